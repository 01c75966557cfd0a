import ChangeCapture
import Foundation
import Kafka
import NIOCore
import Synchronization

/// `sluice capture`'s bookkeeping: messages are numbered as they are produced, and a
/// transaction's commit position becomes the checkpoint only once Kafka confirmed every message
/// before it. Delivery reports arrive on librdkafka's thread, in any order across partitions.
final class DeliveryLedger: Sendable {
    private struct State {
        var next: UInt64 = 0
        /// Every message below this is delivered.
        var lowest: UInt64 = 0
        /// Whether each message from `lowest` on is delivered, up to the last one reported: a ring
        /// rather than a set, so a report costs no hashing and, once warm, no allocation.
        var ahead = CircularBuffer<Bool>(initialCapacity: 1024)
        var commits = CommitLedger<Checkpoint>()
        var failure: KafkaError?
    }

    /// A `Mutex` rather than a lock beside a stored property: every access to the property was
    /// checked for exclusivity at run time, which cost more than the bookkeeping (callgrind).
    private let state = Mutex(State())

    /// The number of the next message produced, and of the `count - 1` after it.
    func reserve(_ count: Int = 1) -> UInt64 {
        state.withLock { state in
            defer { state.next += UInt64(count) }
            return state.next
        }
    }

    /// `checkpoint` follows every message reserved so far.
    func record(_ checkpoint: Checkpoint) {
        state.withLock { state in
            state.commits.record(checkpoint, before: state.next)
            state.commits.advance(settledBelow: state.lowest)
        }
    }

    /// Kafka's report for message `sequence`: nil when delivered. A failure is kept, and the
    /// checkpoint never passes it.
    @Sendable func settle(_ sequence: UInt64, _ failure: KafkaError?) {
        state.withLock { state in
            if let failure {
                if state.failure == nil { state.failure = failure }
                return
            }
            // librdkafka reports each message once; a number already passed changes nothing.
            guard sequence >= state.lowest else { return }
            let index = Int(sequence - state.lowest)
            while state.ahead.count <= index { state.ahead.append(false) }
            state.ahead[state.ahead.index(state.ahead.startIndex, offsetBy: index)] = true
            guard index == 0 else { return }
            while state.ahead.first == true {
                state.ahead.removeFirst()
                state.lowest += 1
            }
            state.commits.advance(settledBelow: state.lowest)
        }
    }

    /// The latest commit position all of whose messages Kafka confirmed.
    var checkpoint: Checkpoint? { state.withLock { $0.commits.durable } }

    /// The first delivery Kafka refused for good, if any.
    var failure: KafkaError? { state.withLock { $0.failure } }

    /// Messages produced so far.
    var produced: UInt64 { state.withLock { $0.next } }

    /// The commit time (seconds since the epoch) of the oldest transaction with a message Kafka
    /// has not confirmed, if any.
    var oldestPendingCommit: Double? {
        guard let oldest = state.withLock({ $0.commits.pending.first }), oldest.timestamp > 0 else { return nil }
        return BinlogLag.commitTime(timestamp: oldest.timestamp, queuedAt: Date().timeIntervalSince1970)
    }

    /// Messages produced and not yet confirmed.
    var unconfirmed: UInt64 { state.withLock { $0.next - $0.lowest } }
}

extension PipelineError {
    /// Capture's error once Kafka refused a change for good: the ledger's checkpoint stays before it.
    static func kafkaRefused(_ failure: KafkaError) -> PipelineError {
        PipelineError("Kafka did not take a change: \(failure). The saved position stays before it; fix the cause and start again")
    }
}
