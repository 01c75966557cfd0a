import ChangeCapture
import Foundation
import Kafka

/// `sluice capture`'s bookkeeping: messages are numbered as they are produced, and a
/// transaction's commit position becomes the checkpoint only once Kafka confirmed every message
/// before it. Delivery reports arrive on librdkafka's thread, in any order across partitions.
final class DeliveryLedger: @unchecked Sendable {
    private struct State {
        var next: UInt64 = 0
        /// Every message below this is delivered.
        var lowest: UInt64 = 0
        /// Delivered messages at or above `lowest`.
        var ahead: Set<UInt64> = []
        var commits = CommitLedger<Checkpoint>()
        var failure: KafkaError?
    }

    private let lock = NSLock()
    private var state = State()

    /// The number of the next message produced.
    func reserve() -> UInt64 {
        lock.withLock {
            defer { state.next += 1 }
            return state.next
        }
    }

    /// `checkpoint` follows every message reserved so far.
    func record(_ checkpoint: Checkpoint) {
        lock.withLock {
            state.commits.record(checkpoint, before: state.next)
            state.commits.advance(settledBelow: state.lowest)
        }
    }

    /// Kafka's report for message `sequence`. A failure is kept, and the checkpoint never passes it.
    func settle(_ sequence: UInt64, _ result: Result<KafkaDelivery, KafkaError>) {
        lock.withLock {
            guard case .success = result else {
                if state.failure == nil, case let .failure(error) = result { state.failure = error }
                return
            }
            state.ahead.insert(sequence)
            while state.ahead.remove(state.lowest) != nil { state.lowest += 1 }
            state.commits.advance(settledBelow: state.lowest)
        }
    }

    /// The latest commit position all of whose messages Kafka confirmed.
    var checkpoint: Checkpoint? { lock.withLock { state.commits.durable } }

    /// The first delivery Kafka refused for good, if any.
    var failure: KafkaError? { lock.withLock { state.failure } }

    /// Messages produced so far.
    var produced: UInt64 { lock.withLock { state.next } }

    /// The commit time (seconds since the epoch) of the oldest transaction with a message Kafka
    /// has not confirmed, if any.
    var oldestPendingCommit: Double? {
        guard let oldest = lock.withLock({ state.commits.pending.first }), oldest.timestamp > 0 else { return nil }
        return BinlogLag.commitTime(timestamp: oldest.timestamp, queuedAt: Date().timeIntervalSince1970)
    }

    /// Messages produced and not yet confirmed.
    var unconfirmed: UInt64 { lock.withLock { state.next - state.lowest } }
}
