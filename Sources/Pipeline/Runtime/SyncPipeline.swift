import Binlog
import ChangeCapture
import Coordination
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
    /// What it measures, for the admin API.
    public let metrics: PipelineMetrics
    private let acknowledged: (@Sendable ([RowChange]) -> Void)?
    /// Tables to copy again while the pipeline streams on.
    public let resnapshots: ResnapshotRequests
    /// The store to use instead of the configured one: the leader's fenced store under `LeadingPipeline`.
    let store: (any PositionStore)?

    /// - Parameters:
    ///   - acknowledged: called with the changes of each batch once the sink settled it (for
    ///     benchmarks that time each change).
    public init(
        configuration: SluiceConfiguration, logger: Logger, metrics: PipelineMetrics = PipelineMetrics(),
        acknowledged: (@Sendable ([RowChange]) -> Void)? = nil
    ) {
        self.init(configuration: configuration, logger: logger, store: nil, metrics: metrics, acknowledged: acknowledged)
    }

    init(
        configuration: SluiceConfiguration, logger: Logger, store: (any PositionStore)?, metrics: PipelineMetrics = PipelineMetrics(),
        resnapshots: ResnapshotRequests? = nil, acknowledged: (@Sendable ([RowChange]) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.acknowledged = acknowledged
        self.resnapshots = resnapshots ?? ResnapshotRequests(filter: configuration.source.filter)
        self.store = store
    }

    public func run() async throws {
        let (store, saved) = try await configuration.positions.open(instead: self.store)
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
        let server = configuration.discard ? nil : try await client.info()
        let bulk = configuration.elasticsearch.bulk
        let queue = WriteQueue<Checkpoint>(maxBytes: bulk.maxBytesInFlight, linger: bulk.linger, metrics: metrics)
        let writer = BulkWriter(logger: logger, submit: metrics.instrument(configuration.discard ? DiscardingSink.submit : { try await client.bulk($0) }))
        let deadLetters = DeadLetterFile(path: configuration.elasticsearch.deadLetterPath)
        try await InitialSnapshot(configuration: configuration, logger: logger).refuseTablesWithoutID()
        metrics.started()
        logger.info("starting", metadata: ["saved": "\(saved.map { "\($0.file):\($0.offset)" } ?? "none")", "positions": "\(store)"])
        let reader = Task {
            defer { Task { await queue.close() } }
            var producer = ChangeProducer(
                configuration: configuration, client: client, server: server, queue: queue, deadLetters: deadLetters, metrics: metrics,
                logger: logger
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
            try await queue.drain(
                reader: reader, settings: bulk, writer: writer, deadLetters: deadLetters, logger: logger,
                settled: { [metrics, acknowledged] writes, outcomes in
                    metrics.settled(writes, outcomes)
                    acknowledged?(writes.map(\.change))
                }
            ) {
                try await checkpointLoop(queue: queue, store: store, saved: saved)
            }
        } onCancelOrGracefulShutdown: {
            reader.cancel()
        }
    }

    /// Takes (or resumes) the initial snapshot; returns the binlog position to stream from.
    private func snapshot(saved: SavedPosition?, store: any PositionStore, producer: inout ChangeProducer<Checkpoint>) async throws -> ReplicationPosition {
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
            let position = SavedPosition(
                file: progress.binlogFile, offset: progress.binlogOffset, gtidSet: progress.gtidSet, timestamp: 0, snapshot: progress
            )
            try await store.save(position)
            metrics.saved(position)
        }
        return try await snapshot.copy(progress, on: connection, into: &producer)
    }

    /// Saves the durable position at most every `positions.interval`, and once more at the end.
    private func checkpointLoop(queue: WriteQueue<Checkpoint>, store: any PositionStore, saved: SavedPosition?) async throws {
        var last = saved.map { Checkpoint(position: ReplicationPosition($0), timestamp: UInt32(clamping: $0.timestamp)) }
        if let saved { metrics.saved(saved) }
        func save() async throws {
            // An unreachable store holds the checkpoint back, never the writes: retried with backoff,
            // each time with the newest durable position, until the store answers or the task is cancelled.
            var attempt = 0
            while let checkpoint = await queue.checkpoint, checkpoint != last {
                do {
                    try await store.save(checkpoint.saved)
                    metrics.saved(checkpoint.saved)
                    last = checkpoint
                    return
                } catch let error as CoordinationError where error.kind == .unavailable {
                    logger.warning("cannot save the position yet; retrying", metadata: ["attempt": "\(attempt + 1)", "error": "\(error)"])
                    try await Task.sleep(for: Self.storeBackoff.delay(attempt: attempt))
                    attempt += 1
                }
            }
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

extension SyncPipeline {
    /// Waits between attempts to save the position while the store is unreachable.
    static let storeBackoff = Backoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(5))
}

/// A failure of the pipeline's own setup; the message says what to do.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
