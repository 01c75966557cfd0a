import ChangeCapture
import Coordination
import Logging
import Pipeline
import ServiceLifecycle
import UnixSignals

/// `sluice run`: the pipeline (led by one instance of several when the positions live in ZooKeeper or
/// etcd), and the admin API beside it reading the same metrics.
public struct SluiceRun: Sendable {
    public let pipeline: any Service
    public let metrics: PipelineMetrics
    public let admin: AdminServer

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
            let leading = LeadingPipeline(configuration: configuration, store: store, identity: .current(), status: status, logger: logger, metrics: metrics)
            pipeline = leading
            resnapshots = leading.resnapshots
        } else {
            let single = SyncPipeline(configuration: configuration, logger: logger, metrics: metrics, acknowledged: acknowledged)
            pipeline = single
            resnapshots = single.resnapshots
        }
        self.metrics = metrics
        admin = AdminServer(
            settings: configuration.admin, source: configuration.source, metrics: metrics, highAvailability: status, resnapshots: resnapshots,
            logger: logger
        )
    }

    /// The service group to run: when the pipeline ends, with or without an error, the admin API
    /// shuts down gracefully too; the group's `run` rethrows the pipeline's error.
    public func serviceGroup(signals: [UnixSignal], logger: Logger) -> ServiceGroup {
        ServiceGroup(
            configuration: .init(
                // Shut down in reverse order: the pipeline flushes and saves first, while the admin
                // API still answers.
                services: [
                    .init(service: admin, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: pipeline, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: signals,
                logger: logger
            )
        )
    }
}
