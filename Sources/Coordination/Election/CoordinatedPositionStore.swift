import Positions

/// A position store that also elects one leader per pipeline (ZooKeeper, etcd).
///
/// Any number of instances share one pipeline name; `campaign` returns in exactly one of them at a time.
/// From then on that instance's saves are fenced: each is a compare-and-set against its leadership, so a
/// deposed leader can never move the shared position, even if it does not know yet that it was deposed.
public protocol CoordinatedPositionStore: PositionStore {
    /// How long the store keeps a silent leader's session or lease: a standby takes over within about this.
    var lease: Duration { get }

    /// Tries once to become the leader as `identity`; `true` when this instance now leads.
    func acquire(as identity: LeaderIdentity) async throws -> Bool
    /// Checks (and, for a lease, renews) the leadership. Throws `CoordinationError` with kind `.deposed`
    /// when it is gone, `.unavailable` when the store could not say.
    func confirm() async throws
    /// The current leader, if any.
    func leader() async throws -> LeaderIdentity?
    /// Gives the leadership up, so a standby takes over at once rather than after the lease. Best effort.
    func resign() async
}

extension CoordinatedPositionStore {
    /// Waits until this instance leads the pipeline, trying every `lease / 6`; store outages are waited out.
    /// `standingBy` is called once with the leader this instance waits for.
    public func campaign(as identity: LeaderIdentity, standingBy: @Sendable (LeaderIdentity?) async -> Void = { _ in }) async throws {
        var announced = false
        while true {
            try Task.checkCancellation()
            do {
                if try await acquire(as: identity) { return }
                if !announced {
                    announced = true
                    await standingBy(try? await leader())
                }
            } catch let error as CoordinationError where error.kind == .unavailable {
                // The store is down: keep waiting, as a standby does.
            }
            try await Task.sleep(for: lease / 6)
        }
    }

    /// Returns, with the reason, once this instance must consider itself deposed: the store says so, or
    /// it could not confirm the leadership for longer than `LeaseClock` allows.
    public func watchLeadership() async throws -> CoordinationError {
        var clock = LeaseClock(lease: lease, confirmedAt: .now)
        var lastProblem: CoordinationError?
        while true {
            try Task.checkCancellation()
            let sent = ContinuousClock.now
            do {
                try await confirm()
                clock.confirmed(at: sent)
                lastProblem = nil
            } catch let error as CoordinationError where error.kind == .unavailable {
                lastProblem = error
            } catch let error as CoordinationError {
                return error
            }
            if clock.hasLapsed(at: .now) {
                let margin = clock.deadline - clock.lastConfirmed
                return CoordinationError(
                    "could not confirm the leadership for \(margin.components.seconds * 1000 + margin.components.attoseconds / 1_000_000_000_000_000) ms "
                        + "(\(lastProblem?.message ?? "no answer")); "
                        + "a standby may take over, so this instance stops writing",
                    kind: .deposed
                )
            }
            try await Task.sleep(until: min(clock.deadline, .now + clock.checkInterval), clock: .continuous)
        }
    }
}
