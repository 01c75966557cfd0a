import ChangeCapture
import Coordination
import Logging
import Pipeline
import ServiceLifecycle
import UnixSignals

/// `sluice run`: the pipeline (led by one instance of several when the positions live in ZooKeeper or
/// etcd), and the admin API beside it reading the same metrics. `sluice capture` and `sluice apply`
/// run their pipelines the same way, with the admin API when `admin.listen` is given.
public struct SluiceRun: Sendable {
    public let pipeline: any Service
    public let metrics: PipelineMetrics
    /// Nil for `capture` and `apply` without `admin.listen`.
    public let admin: AdminServer?

    /// `sluice capture` (`kafkaSide: .capture`) or `sluice apply` (`.apply`).
    public enum KafkaSide: Sendable {
        case capture
        case apply
    }

    /// Capture with a ZooKeeper or etcd store is led as `sluice run` is: one instance of several captures.
    public init(_ side: KafkaSide, configuration: SluiceConfiguration, logger: Logger) throws {
        let metrics = PipelineMetrics()
        let logger = metrics.recordingProblems(logger)
        let status = HighAvailabilityStatus()
        self.metrics = metrics
        switch side {
        case .capture:
            if let store = try configuration.positions.makeStore() as? any CoordinatedPositionStore {
                pipeline = LeadingPipeline.capture(
                    configuration: configuration, store: store, identity: .current(), status: status, logger: logger, metrics: metrics
                )
            } else {
                pipeline = CapturePipeline(configuration: configuration, logger: logger, metrics: metrics)
            }
        case .apply:
            pipeline = ApplyPipeline(configuration: configuration, logger: logger, metrics: metrics)
        }
        admin = configuration.admin.isListenGiven
            ? AdminServer(
                settings: configuration.admin, source: configuration.source, probesSource: side == .capture, metrics: metrics,
                highAvailability: status, resnapshots: nil, logger: logger
            )
            : nil
    }

    /// - Parameters:
    ///   - logger: its warnings and errors also become `/status`'s last error.
    ///   - acknowledged: see `SyncPipeline.init`; not used under a leader election.
    public init(configuration: SluiceConfiguration, logger: Logger, acknowledged: (@Sendable ([RowChange]) -> Void)? = nil) throws {
        let metrics = PipelineMetrics()
        let logger = metrics.recordingProblems(logger)
        let status = HighAvailabilityStatus()
        let resnapshots: ResnapshotRequests
        if let store = try configuration.positions.makeStore() as? any CoordinatedPositionStore {
            // One leader per pipeline name; this instance may wait as a standby first.
            resnapshots = ResnapshotRequests(filter: configuration.source.filter)
            pipeline = LeadingPipeline.sync(
                configuration: configuration, store: store, identity: .current(), status: status, logger: logger, metrics: metrics,
                resnapshots: resnapshots
            )
        } else {
            let single = SyncPipeline(configuration: configuration, logger: logger, metrics: metrics, acknowledged: acknowledged)
            pipeline = single
            resnapshots = single.resnapshots
        }
        self.metrics = metrics
        admin = AdminServer(
            settings: configuration.admin, source: configuration.source, probesSource: true, metrics: metrics, highAvailability: status,
            resnapshots: resnapshots, logger: logger
        )
    }

    /// The service group to run: when the pipeline ends, with or without an error, the admin API
    /// shuts down gracefully too; the group's `run` rethrows the pipeline's error.
    public func serviceGroup(signals: [UnixSignal], logger: Logger) -> ServiceGroup {
        ServiceGroup(
            configuration: .init(
                // Shut down in reverse order: the pipeline flushes and saves first, while the admin
                // API still answers.
                services: (admin.map { [.init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup)] } ?? []) + [
                    .init(service: pipeline, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: signals,
                logger: logger
            )
        )
    }
}
