import Testing

@testable import Elasticsearch

@Suite struct BackoffTests {
    @Test func ceilingDoublesUpToTheMaximum() {
        let backoff = Backoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(30))
        #expect(backoff.ceiling(attempt: 0) == .milliseconds(100))
        #expect(backoff.ceiling(attempt: 1) == .milliseconds(200))
        #expect(backoff.ceiling(attempt: 8) == .milliseconds(25_600))
        #expect(backoff.ceiling(attempt: 9) == .seconds(30))
        #expect(backoff.ceiling(attempt: Int.max) == .seconds(30))
    }

    @Test func delaysStayWithinTheCeiling() {
        let backoff = Backoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(30))
        var generator = SystemRandomNumberGenerator()
        for attempt in [0, 1, 2, 5, 20, 1000] {
            let ceiling = backoff.ceiling(attempt: attempt)
            var sawBelowHalf = false
            for _ in 0..<200 {
                let delay = backoff.delay(attempt: attempt, using: &generator)
                #expect(delay >= .zero && delay <= ceiling)
                if delay < ceiling / 2 { sawBelowHalf = true }
            }
            // Full jitter spreads over the whole range, not just near the ceiling.
            #expect(sawBelowHalf)
        }
    }

    @Test func degenerateSettings() {
        #expect(Backoff(initialDelay: .zero, maximumDelay: .seconds(1)).delay(attempt: 5) == .zero)
        // A maximum below the initial delay is raised to it.
        #expect(Backoff(initialDelay: .seconds(2), maximumDelay: .seconds(1)).ceiling(attempt: 3) == .seconds(2))
    }
}
