import ChangeCapture
import Dispatch
import Foundation
import Elasticsearch
import Kafka
import Logging
import ServiceLifecycle

/// `sluice apply`: a member of a Kafka consumer group that writes the row changes it reads to
/// Elasticsearch through the same queue, bulk writer, versions and dead-letter rules as `sluice run`.
///
/// Offsets are committed only up to messages whose writes the index acknowledged (or that went to
/// the dead-letter file). Before a partition goes to another member, everything read is settled and
/// committed, so the new owner starts where this one stopped: a rebalance loses nothing and
/// doubles nothing. A member that dies un-gracefully leaves its last commit behind; the next owner
/// writes again what came after it, with the same versions, which changes nothing visible.
public struct ApplyPipeline: Service {
    public let configuration: SluiceConfiguration
    public let logger: Logger
    /// What it measures, for the admin API: the same series as `sluice run`'s sink side, and the
    /// consumer lag per partition.
    public let metrics: PipelineMetrics

    public init(configuration: SluiceConfiguration, logger: Logger, metrics: PipelineMetrics = PipelineMetrics()) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    /// For each partition, the offset of the next message to read past what is settled.
    struct Offsets: Sendable, Equatable {
        var next: [KafkaTopicPartition: Int64] = [:]
    }

    public func run() async throws {
        guard let kafka = configuration.kafka else {
            throw PipelineError("sluice apply needs a kafka section (brokers, topic, format, group); see examples/sluice-kafka.yml")
        }
        let client = try ElasticsearchClient(configuration: configuration.elasticsearch.clientConfiguration, logger: logger)
        do {
            try await run(kafka: kafka, client: client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func run(kafka: KafkaSettings, client: ElasticsearchClient) async throws {
        let server = try await client.info()
        let bulk = configuration.elasticsearch.bulk
        let queue = WriteQueue<Offsets>(maxBytes: bulk.maxBytesInFlight, linger: bulk.linger, metrics: metrics)
        let writer = BulkWriter(logger: logger, submit: metrics.instrument { try await client.bulk($0) })
        let deadLetters = DeadLetterFile(path: configuration.elasticsearch.deadLetterPath)
        let committer = OffsetCommitter(logger: logger)
        let consumerBox = ConsumerReference()
        // A template subscribes by pattern: look for new matching topics every 10 s, not 5 minutes.
        var properties = kafka.properties.withDefaults(["topic.metadata.refresh.interval.ms": "10000"])
        properties["group.id"] = kafka.group
        let consumer = try KafkaConsumer(properties: properties, logger: logger) { [logger] rebalance in
            switch rebalance {
            case let .assigned(partitions):
                committer.assigned(partitions)
                logger.info("partitions assigned", metadata: ["partitions": "\(partitions)"])
            case let .revoked(partitions):
                // Runs on the consumer's queue while the reader waits in poll, so everything read is
                // in the queue: settle it and commit before the partitions move.
                settleAndCommit(queue: queue, committer: committer, consumer: consumerBox)
                committer.revoked(partitions)
                logger.info("partitions revoked", metadata: ["partitions": "\(partitions)"])
            }
        }
        consumerBox.consumer = consumer
        try consumer.subscribe([kafka.subscription])
        metrics.started()
        logger.info("applying", metadata: ["subscription": "\(kafka.subscription)", "group": "\(kafka.group)", "format": "\(kafka.format.rawValue)"])
        let reader = Task {
            defer { Task { await queue.close() } }
            var producer = ChangeProducer(
                configuration: configuration, client: client, server: server, queue: queue, deadLetters: deadLetters,
                metrics: metrics, logger: logger
            )
            var decoder = KafkaChangeDecoder(format: kafka.format)
            while !Task.isCancelled {
                let messages = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(100))
                guard !messages.isEmpty else { continue }
                var changes: [RowChange] = []
                changes.reserveCapacity(messages.count)
                for message in messages {
                    do {
                        changes.append(try decoder.change(from: message))
                    } catch {
                        throw PipelineError("\(error). Is kafka.format (\(kafka.format.rawValue)) the format the producer writes?")
                    }
                }
                // No coalescing: two messages of one document in one poll may come from two
                // partitions, and only their versions know which is newer.
                let writes = try await producer.writes(for: changes)
                await queue.push(writes, commit: committer.read(messages))
            }
        }
        do {
            // A stop (cancellation) returns quietly, a failure throws; after either, the committer
            // is stopped and commits nothing more.
            try await withTaskCancellationOrGracefulShutdownHandler {
                try await queue.drain(
                    reader: reader, settings: bulk, writer: writer, deadLetters: deadLetters, logger: logger, onFailure: committer.stop,
                    settled: metrics.settled
                ) {
                    while await !queue.isFinished, !Task.isCancelled {
                        try? await Task.sleep(for: configuration.positions.interval)
                        await committer.commit(await queue.checkpoint, to: consumer)
                        metrics.consumed(committer.progress(consumer))
                    }
                }
            } onCancelOrGracefulShutdown: {
                reader.cancel()
            }
        } catch {
            // Leave the group without committing more: the next owner starts at the last commit.
            await consumer.close()
            throw error
        }
        // Cut off rather than stopped gracefully (the drain may return quietly with writes still
        // unsettled): the revocation at close must not wait for them, and nothing more is committed.
        if Task.isCancelled { committer.stop() }
        await committer.commit(await queue.checkpoint, to: consumer)
        await consumer.close()
    }

    /// Waits, blocking the consumer's queue (never a task's thread), until every write read so far
    /// is settled, and commits it.
    private func settleAndCommit(queue: WriteQueue<Offsets>, committer: OffsetCommitter, consumer: ConsumerReference) {
        guard !committer.isStopped, let consumer = consumer.consumer else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            await queue.settled()
            await committer.commit(await queue.checkpoint, to: consumer)
            done.signal()
        }
        done.wait()
    }
}

/// The consumer, for its own rebalance handler, which is made before it.
private final class ConsumerReference: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: KafkaConsumer?

    var consumer: KafkaConsumer? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
