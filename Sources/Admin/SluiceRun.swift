import ChangeCapture
import Logging
import Pipeline
import ServiceLifecycle
import UnixSignals

/// `sluice run`: the pipeline, and the admin API beside it reading the same metrics.
public struct SluiceRun: Sendable {
    public let pipeline: SyncPipeline
    public let admin: AdminServer

    /// - Parameter acknowledged: see `SyncPipeline.init`.
    public init(configuration: SluiceConfiguration, logger: Logger, acknowledged: (@Sendable ([RowChange]) -> Void)? = nil) {
        pipeline = SyncPipeline(configuration: configuration, logger: logger, acknowledged: acknowledged)
        admin = AdminServer(settings: configuration.admin, source: configuration.source, metrics: pipeline.metrics, logger: pipeline.logger)
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
