import ChangeCapture
import Coordination
import Logging
import Positions
import ServiceLifecycle

/// `sluice run` (or `sluice capture`) with a ZooKeeper or etcd store: stands by until this instance is
/// elected leader of the pipeline, then runs `SyncPipeline` (or `CapturePipeline`) with the fenced
/// store while watching the leadership.
///
/// When the leadership is lost (the session or lease ended, or another instance took over) the pipeline
/// is cancelled at once, so it stops writing to Elasticsearch, and `run` fails with the reason: the
/// process exits and its supervisor starts it again as a standby. A graceful shutdown of the leader
/// resigns after the final checkpoint, so a standby takes over without waiting for the lease to run out.
public struct LeadingPipeline: Service {
    public let store: any CoordinatedPositionStore
    public let identity: LeaderIdentity
    public let status: HighAvailabilityStatus
    public let logger: Logger
    /// The pipeline to run while this instance leads, saving its positions in the fenced store.
    private let lead: @Sendable (any PositionStore) -> any Service

    init(
        store: any CoordinatedPositionStore, identity: LeaderIdentity, status: HighAvailabilityStatus, logger: Logger,
        lead: @escaping @Sendable (any PositionStore) -> any Service
    ) {
        self.store = store
        self.identity = identity
        self.status = status
        self.logger = logger
        self.lead = lead
    }

    /// `sluice run`, led: `resnapshots` are the tables to copy again while this instance leads.
    public static func sync(
        configuration: SluiceConfiguration, store: any CoordinatedPositionStore, identity: LeaderIdentity, status: HighAvailabilityStatus,
        logger: Logger, metrics: PipelineMetrics, resnapshots: ResnapshotRequests
    ) -> LeadingPipeline {
        LeadingPipeline(store: store, identity: identity, status: status, logger: logger) { fenced in
            SyncPipeline(configuration: configuration, logger: logger, store: fenced, metrics: metrics, resnapshots: resnapshots)
        }
    }

    /// `sluice capture`, led.
    public static func capture(
        configuration: SluiceConfiguration, store: any CoordinatedPositionStore, identity: LeaderIdentity, status: HighAvailabilityStatus,
        logger: Logger, metrics: PipelineMetrics
    ) -> LeadingPipeline {
        LeadingPipeline(store: store, identity: identity, status: status, logger: logger) { fenced in
            CapturePipeline(configuration: configuration, logger: logger, metrics: metrics, store: fenced)
        }
    }

    public func run() async throws {
        status.update { $0.role = .standby }
        let logger = logger
        let status = status
        let identity = identity
        do {
            try await cancelWhenGracefulShutdown {
                try await store.campaign(as: identity) { leader in
                    logger.info("standing by", metadata: ["leader": "\(leader.map { "\($0)" } ?? "none")", "positions": "\(store)"])
                    status.update { $0.leader = leader }
                }
            }
        } catch is CancellationError {
            return
        }
        status.update {
            $0.role = .leader
            $0.leader = identity
        }
        logger.info("leading the pipeline", metadata: ["identity": "\(identity)", "positions": "\(store)"])
        let pipeline = lead(store)
        let deposed: CoordinationError?
        do {
            deposed = try await withThrowingTaskGroup(of: CoordinationError?.self) { group in
                group.addTask {
                    try await pipeline.run()
                    return nil
                }
                group.addTask { try await store.watchLeadership() }
                defer { group.cancelAll() }
                // The first to end decides: the pipeline (a shutdown or a failure), or the loss of leadership.
                return try await group.next() ?? nil
            }
        } catch let error as CoordinationError where error.kind == .deposed {
            // A fenced save found the position taken over before the watch noticed.
            deposed = error
        }
        if let deposed {
            status.update {
                $0.role = .standby
                $0.leader = nil
            }
            throw PipelineError("lost the leadership of pipeline \(store): \(deposed.message). Stopped writing; start Sluice again to stand by")
        }
        await store.resign()
    }
}
