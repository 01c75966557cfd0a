import Coordination
import Testing

@Suite struct LeaseClockTests {
    let start = ContinuousClock.now

    @Test func lapsesTwoThirdsOfTheLeaseAfterTheLastConfirmation() {
        var clock = LeaseClock(lease: .seconds(9), confirmedAt: start)
        #expect(!clock.hasLapsed(at: start + .seconds(5)))
        #expect(clock.hasLapsed(at: start + .seconds(6)))
        clock.confirmed(at: start + .seconds(4))
        #expect(!clock.hasLapsed(at: start + .seconds(9)))
        #expect(clock.hasLapsed(at: start + .seconds(10)))
        #expect(clock.deadline == start + .seconds(10))
    }

    @Test func aLateAnswerToAnOldCheckDoesNotMoveTheDeadlineBack() {
        var clock = LeaseClock(lease: .seconds(6), confirmedAt: start)
        clock.confirmed(at: start + .seconds(3))
        clock.confirmed(at: start + .seconds(1))
        #expect(clock.lastConfirmed == start + .seconds(3))
        #expect(clock.deadline == start + .seconds(7))
    }

    @Test func checksSeveralTimesWithinTheMargin() {
        let clock = LeaseClock(lease: .seconds(12), confirmedAt: start)
        #expect(clock.checkInterval == .seconds(2))
        #expect(clock.checkInterval * 4 == clock.lease * 2 / 3)
    }
}
