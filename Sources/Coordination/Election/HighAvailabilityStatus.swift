import NIOConcurrencyHelpers

/// What `/status` and `sluice status` show about high availability: this instance's role and who leads
/// (the source server in use is the pipeline's metrics' to tell). Updated by the pipeline, read by the
/// admin API from any thread.
public final class HighAvailabilityStatus: Sendable {
    public enum Role: String, Sendable, Equatable {
        /// No election: the position store is memory or a file, so this is the only instance.
        case single
        /// Waiting for the leader to go away.
        case standby
        /// The one active instance of the pipeline.
        case leader
    }

    public struct Snapshot: Sendable, Equatable {
        public var role: Role
        /// The current leader as last seen, when there is an election.
        public var leader: LeaderIdentity?
    }

    private let state: NIOLockedValueBox<Snapshot>

    public init(role: Role = .single) {
        state = NIOLockedValueBox(Snapshot(role: role))
    }

    public var snapshot: Snapshot { state.withLockedValue { $0 } }

    public func update(_ change: @Sendable (inout Snapshot) -> Void) {
        state.withLockedValue { change(&$0) }
    }
}
