import ChangeCapture
import Kafka
@testable import Pipeline
import Testing

/// `sluice capture`'s bookkeeping: a commit position is confirmed only once Kafka delivered every
/// message before it, however the reports of different partitions interleave.
@Suite struct DeliveryLedgerTests {
    static func checkpoint(_ offset: UInt64) -> Checkpoint {
        Checkpoint(position: ReplicationPosition(file: "mariadb-bin.000001", offset: offset, gtidSet: nil), timestamp: 0)
    }

    /// A ledger of two transactions of `size` messages each, committed at 100 and 200.
    static func twoTransactions(of size: Int) -> DeliveryLedger {
        let ledger = DeliveryLedger()
        for commit: UInt64 in [100, 200] {
            for _ in 0..<size { _ = ledger.reserve() }
            ledger.record(checkpoint(commit))
        }
        return ledger
    }

    @Test func theCheckpointWaitsForEveryEarlierMessageReportedInAnyOrder() {
        // Messages 0…2, then 3…5.
        let ledger = Self.twoTransactions(of: 3)
        #expect(ledger.unconfirmed == 6)

        for sequence: UInt64 in [5, 1, 2, 4] { ledger.settle(sequence, nil) }
        // Message 0 is still out: nothing is confirmed.
        #expect(ledger.checkpoint == nil)
        #expect(ledger.unconfirmed == 6)
        ledger.settle(0, nil)
        #expect(ledger.checkpoint == Self.checkpoint(100))
        #expect(ledger.unconfirmed == 3)
        ledger.settle(3, nil)
        #expect(ledger.checkpoint == Self.checkpoint(200))
        #expect(ledger.unconfirmed == 0)
        // A report of a number already passed changes nothing.
        ledger.settle(0, nil)
        #expect(ledger.checkpoint == Self.checkpoint(200))
        #expect(ledger.unconfirmed == 0)
    }

    @Test func aRefusedMessageKeepsTheCheckpointBeforeIt() {
        let ledger = Self.twoTransactions(of: 2)
        ledger.settle(0, nil)
        ledger.settle(1, nil)
        ledger.settle(2, KafkaError("the broker refused it"))
        ledger.settle(3, nil)
        #expect(ledger.checkpoint == Self.checkpoint(100))
        #expect(ledger.failure != nil)
    }

    /// Far more reports out of order than the ring starts with, and the ring wrapping around.
    @Test func manyInterleavedReportsConfirmEverything() {
        let ledger = DeliveryLedger()
        let count: UInt64 = 10_000
        for sequence in 0..<count {
            _ = ledger.reserve()
            if sequence % 100 == 99 { ledger.record(Self.checkpoint(sequence)) }
        }
        // Odd messages first (partition one), then even ones (partition two).
        for sequence in stride(from: 1, to: count, by: 2) { ledger.settle(sequence, nil) }
        #expect(ledger.checkpoint == nil)
        for sequence in stride(from: 0, to: count, by: 2) { ledger.settle(sequence, nil) }
        #expect(ledger.checkpoint == Self.checkpoint(count - 1))
        #expect(ledger.unconfirmed == 0)
    }
}
