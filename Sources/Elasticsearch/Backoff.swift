/// Exponential backoff with full jitter: the wait before retry `n` (0-based) is drawn uniformly
/// from zero to `min(maximumDelay, initialDelay × 2ⁿ)`, so clients that failed together do not
/// come back together.
public struct Backoff: Sendable, Equatable {
    public var initialDelay: Duration
    public var maximumDelay: Duration

    public init(initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(30)) {
        self.initialDelay = initialDelay
        self.maximumDelay = max(initialDelay, maximumDelay)
    }

    /// The upper bound of the wait before retry `attempt`.
    public func ceiling(attempt: Int) -> Duration {
        // Doubling stops once the cap is reached, so large attempt counts cannot overflow.
        guard self.initialDelay > .zero else { return .zero }
        var ceiling = self.initialDelay
        var doublings = 0
        while doublings < attempt, ceiling < self.maximumDelay {
            ceiling *= 2
            doublings += 1
        }
        return min(ceiling, self.maximumDelay)
    }

    /// The wait before retry `attempt`, at nanosecond resolution.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let (seconds, attoseconds) = self.ceiling(attempt: attempt).components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    public func delay(attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return self.delay(attempt: attempt, using: &generator)
    }
}
