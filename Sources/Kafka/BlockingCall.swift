import Dispatch

/// librdkafka calls that wait for a broker's answer (commits, committed offsets, watermarks,
/// metadata), run on threads of their own rather than the Swift concurrency pool. That pool has as
/// many threads as cores: on two cores, two such calls waiting while a rebalance handler waits on a
/// task (apply settles its writes before giving partitions up) left no thread to run the task, and
/// everything stopped.
enum BlockingCall {
    private static let queue = DispatchQueue(label: "sluice-kafka-blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () -> Result<T, KafkaError>) async throws(KafkaError) -> T {
        let result = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
        return try result.get()
    }
}
