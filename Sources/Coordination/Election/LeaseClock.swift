/// When a leader must assume it has lost its session or lease, from the times the store last confirmed it.
///
/// The store ends a session (ZooKeeper) or lease (etcd) `lease` after the last sign of life it received,
/// and a standby may take over then. The leader cannot see that moment, only its own successful checks,
/// so it gives up a safety margin earlier: after two thirds of the lease without a confirmation. Pure:
/// times in, decision out.
public struct LeaseClock: Sendable, Equatable {
    public let lease: Duration
    public private(set) var lastConfirmed: ContinuousClock.Instant

    /// A lease confirmed at `start` (when it was acquired).
    public init(lease: Duration, confirmedAt start: ContinuousClock.Instant) {
        self.lease = lease
        self.lastConfirmed = start
    }

    /// The store confirmed the session or lease at `instant` (the time the check was sent).
    public mutating func confirmed(at instant: ContinuousClock.Instant) {
        lastConfirmed = max(lastConfirmed, instant)
    }

    /// The time after which the leader must stop.
    public var deadline: ContinuousClock.Instant { lastConfirmed + lease * 2 / 3 }

    public func hasLapsed(at instant: ContinuousClock.Instant) -> Bool { instant >= deadline }

    /// How often to check: several times within the margin, so one slow check does not cost the lease.
    public var checkInterval: Duration { lease / 6 }
}
