import Binlog
import ChangeCapture
import Elasticsearch
import Logging
import MySQLProtocol
import NIOCore
import Positions
import ServiceLifecycle

/// `sluice run`: reads the source's row changes and writes them to Elasticsearch, saving the
/// position as the sink acknowledges.
///
/// Three kinds of task share a `WriteQueue`: one reader (snapshot, then the binlog), several bulk
/// senders, and the checkpointer. A graceful shutdown stops the reader; the senders drain what
/// is queued, and the checkpoint is saved before `run` returns. Cancelling the task stops it as
/// well, without an error, but without waiting for the sink: what it had not acknowledged is
/// sent again by the next run.
public struct SyncPipeline: Service {
    public let configuration: SluiceConfiguration
    public let logger: Logger
    /// Tables to copy again while the pipeline streams on.
    public let resnapshots: ResnapshotRequests

    public init(configuration: SluiceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.resnapshots = ResnapshotRequests(filter: configuration.source.filter)
    }

    public func run() async throws {
        let store = configuration.positions.makeStore()
        let saved: SavedPosition?
        do {
            saved = try await store.load()
        } catch {
            throw PipelineError("cannot read the saved position from \(store): \(error)")
        }
        let client = try ElasticsearchClient(configuration: configuration.elasticsearch.clientConfiguration, logger: logger)
        do {
            try await run(store: store, saved: saved, client: client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func run(store: any PositionStore, saved: SavedPosition?, client: ElasticsearchClient) async throws {
        let server = try await client.info()
        let bulk = configuration.elasticsearch.bulk
        let queue = WriteQueue(maxBytes: bulk.maxBytesInFlight, linger: bulk.linger)
        let writer = BulkWriter(client: client, logger: logger)
        let deadLetters = DeadLetterFile(path: configuration.elasticsearch.deadLetterPath)
        // Refuse a selected table without a key before anything is written.
        let connection = try await MySQLConnection.connect(configuration.source.url.connectionConfiguration, logger: logger)
        defer { Task { try? await connection.close() } }
        _ = try await InitialSnapshot(configuration: configuration, logger: logger).selectedTables(on: connection)
        logger.info("starting", metadata: ["saved": "\(saved.map { "\($0.file):\($0.offset)" } ?? "none")", "positions": "\(store)"])
        let reader = Task {
            defer { Task { await queue.close() } }
            var producer = ChangeProducer(
                configuration: configuration, client: client, server: server, queue: queue, deadLetters: deadLetters, logger: logger
            )
            var resume = saved.map(ReplicationPosition.init)
            let start: StartPosition
            switch configuration.source.start {
            case let .position(position): start = position
            case .snapshot: start = .latest
            }
            if saved?.snapshot != nil || (saved == nil && configuration.source.start == .snapshot) {
                resume = try await snapshot(saved: saved, store: store, producer: &producer)
            }
            try await producer.stream(from: start, resume: resume, resnapshot: saved?.resnapshot, requests: resnapshots)
        }
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<max(bulk.concurrency, 1) {
                    group.addTask {
                        while let batch = await queue.next(maxDocuments: bulk.maxDocuments, maxBytes: bulk.maxBytes) {
                            try await send(batch, writer: writer, deadLetters: deadLetters)
                            await queue.complete(batch)
                        }
                    }
                }
                group.addTask {
                    try await checkpointLoop(queue: queue, store: store, saved: saved)
                }
                group.addTask {
                    // The reader ends on a source error, or when a shutdown cancels it: either way
                    // the senders drain the queue and the checkpointer saves the last position.
                    if case let .failure(error) = await reader.result, !(error is CancellationError) {
                        throw error
                    }
                }
                do {
                    try await group.waitForAll()
                } catch {
                    // A failure that retrying cannot mend: stop everything; the checkpoint is still
                    // only what the sink acknowledged.
                    reader.cancel()
                    await queue.abandon()
                    group.cancelAll()
                    // Cancelled (a stop, not a failure): requests in flight were cut short, so
                    // the checkpoint, saved as the group ends, stays before them and the next run
                    // sends them again.
                    if error is CancellationError, Task.isCancelled { return }
                    throw error
                }
            }
        } onCancelOrGracefulShutdown: {
            reader.cancel()
        }
    }

    /// Takes (or resumes) the initial snapshot; returns the binlog position to stream from.
    private func snapshot(saved: SavedPosition?, store: any PositionStore, producer: inout ChangeProducer) async throws -> ReplicationPosition {
        let connection = try await MySQLConnection.connect(configuration.source.url.connectionConfiguration, logger: logger)
        defer { Task { try? await connection.close() } }
        let snapshot = InitialSnapshot(configuration: configuration, logger: logger)
        let progress: SnapshotProgress
        if let resumed = saved?.snapshot {
            _ = try await connection.query("START TRANSACTION WITH CONSISTENT SNAPSHOT")
            progress = resumed
            logger.info("resuming the snapshot", metadata: ["done": "\(resumed.completed.count)/\(resumed.tables.count)", "table": "\(resumed.current ?? "-")"])
        } else {
            progress = try await snapshot.begin(on: connection)
            // Saved before copying, so that a restart resumes this snapshot at this position.
            try await store.save(SavedPosition(
                file: progress.binlogFile, offset: progress.binlogOffset, gtidSet: progress.gtidSet, timestamp: 0, snapshot: progress
            ))
        }
        return try await snapshot.copy(progress, on: connection, into: &producer)
    }

    private func send(_ batch: WriteQueue.Batch, writer: BulkWriter, deadLetters: DeadLetterFile) async throws {
        let outcomes = try await writer.write(batch.writes.map(\.operation))
        for (write, outcome) in zip(batch.writes, outcomes) {
            guard case let .rejected(status, type, reason) = outcome else { continue }
            logger.error("dead-lettered a change the index refused", metadata: [
                "index": "\(write.index)", "id": "\(write.id)", "status": "\(status)", "error": "\(type)", "reason": "\(reason)",
            ])
            try await deadLetters.append(write.change, index: write.index, id: write.id, status: status, type: type, reason: reason)
        }
    }

    /// Saves the durable position at most every `positions.interval`, and once more at the end.
    private func checkpointLoop(queue: WriteQueue, store: any PositionStore, saved: SavedPosition?) async throws {
        var last = saved.map { Checkpoint(position: ReplicationPosition($0), timestamp: UInt32(clamping: $0.timestamp)) }
        func save() async throws {
            guard let checkpoint = await queue.checkpoint, checkpoint != last else { return }
            try await store.save(checkpoint.saved)
            last = checkpoint
        }
        while await !queue.isFinished, !Task.isCancelled {
            // A graceful shutdown does not cancel this task: it ends once the queue is finished, so
            // the wait is cut into short steps instead of waiting out a long interval.
            let due = ContinuousClock.now.advanced(by: configuration.positions.interval)
            while ContinuousClock.now < due, await !queue.isFinished, !Task.isCancelled {
                try? await Task.sleep(for: min(.milliseconds(50), ContinuousClock.now.duration(to: due)))
            }
            try await save()
        }
        try await save()
    }
}

/// A failure of the pipeline's own setup; the message says what to do.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
