import ChangeCapture
import Kafka
import Logging
import Positions
import ServiceLifecycle

/// `sluice capture`: reads the binlog like `sluice run` and produces every row change to Kafka,
/// keyed by its document, saving the position only past changes whose delivery Kafka confirmed.
///
/// Within a transaction (or a chunk of a large one) only the last change of each document is sent,
/// as `sluice run` writes only the last: a document's version then names one message, and `apply`
/// never sees two writes with one version. A graceful shutdown stops reading, waits for the
/// deliveries still out, and saves the position.
public struct CapturePipeline: Service {
    public let configuration: SluiceConfiguration
    public let logger: Logger
    /// What it measures, for the admin API: the same series as `sluice run`'s source side, and
    /// the messages produced and not yet confirmed.
    public let metrics: PipelineMetrics
    /// The store to use instead of the configured one: the leader's fenced store under `LeadingPipeline`.
    let store: (any PositionStore)?

    public init(configuration: SluiceConfiguration, logger: Logger, metrics: PipelineMetrics = PipelineMetrics()) {
        self.init(configuration: configuration, logger: logger, metrics: metrics, store: nil)
    }

    init(configuration: SluiceConfiguration, logger: Logger, metrics: PipelineMetrics, store: (any PositionStore)?) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.store = store
    }

    public func run() async throws {
        guard let kafka = configuration.kafka else {
            throw PipelineError("sluice capture needs a kafka section (brokers, topic, format); see examples/sluice-kafka.yml")
        }
        guard case let .position(start) = configuration.source.start else {
            throw PipelineError(
                "sluice capture takes no snapshot: set start to latest, earliest, FILE:POS or gtid:SET "
                    + "(copy the existing rows into the index once with sluice run)"
            )
        }
        let (store, saved) = try await configuration.positions.open(instead: self.store)
        try await InitialSnapshot(configuration: configuration, logger: logger).refuseTablesWithoutID()
        let ledger = DeliveryLedger()
        let producer = try KafkaProducer(properties: kafka.properties, logger: logger, onNumberedDelivery: ledger.settle)
        defer { producer.close() }
        metrics.started()
        logger.info("capturing", metadata: ["saved": "\(saved.map { "\($0.file):\($0.offset)" } ?? "none")", "kafka": "\(kafka.redacted)"])
        let reader = Task {
            let encoder = KafkaChangeEncoder(format: kafka.format, topicTemplate: kafka.topic, rules: configuration.rules)
            var chunks = KafkaChunkProducer(encoder: encoder, producer: producer, ledger: ledger)
            try await read(from: start, resume: saved.map(ReplicationPosition.init), kafka: kafka, into: &chunks)
        }
        let saver = CheckpointSaver(store: store, saved: saved, metrics: metrics)
        let result = await withTaskCancellationOrGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: configuration.positions.interval)
                        try? await saver.save(ledger.checkpoint)
                        metrics.produced(ledger.produced, unconfirmed: ledger.unconfirmed, oldestPendingCommit: ledger.oldestPendingCommit)
                    }
                }
                let result = await reader.result
                group.cancelAll()
                return result
            }
        } onCancelOrGracefulShutdown: {
            reader.cancel()
        }
        // Whatever stopped the reader, what Kafka confirms before the deadline still counts.
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ledger.unconfirmed > 0, ledger.failure == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        try await saver.save(ledger.checkpoint)
        if case let .failure(error) = result, !(error is CancellationError) { throw error }
        if let failure = ledger.failure {
            throw PipelineError.kafkaRefused(failure)
        }
    }

    private func read(
        from start: StartPosition, resume: ReplicationPosition?, kafka: KafkaSettings, into producer: inout KafkaChunkProducer
    ) async throws {
        let source = BinlogSource(configuration: configuration.source.binlogSource(startingAt: start, metrics: metrics), logger: logger)
        for try await chunk in source.changes(from: resume) {
            metrics.read(chunk)
            try await producer.produce(chunk)
        }
    }
}

/// Saves checkpoints that moved, one at a time.
private actor CheckpointSaver {
    let store: any PositionStore
    let metrics: PipelineMetrics
    var last: Checkpoint?

    init(store: any PositionStore, saved: SavedPosition?, metrics: PipelineMetrics) {
        self.store = store
        self.metrics = metrics
        last = saved.map { Checkpoint(position: ReplicationPosition($0), timestamp: UInt32(clamping: $0.timestamp)) }
        if let saved { metrics.saved(saved) }
    }

    func save(_ checkpoint: Checkpoint?) async throws {
        guard let checkpoint, checkpoint != last else { return }
        try await store.save(checkpoint.saved)
        metrics.saved(checkpoint.saved)
        last = checkpoint
    }
}
