import CRdKafka
import Foundation
import NIOConcurrencyHelpers

/// A thread that serves a producer's callbacks (delivery reports, errors, logs) by polling it,
/// until stopped.
final class PollThread: Sendable {
    private let running = NIOLockedValueBox(true)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, handle: KafkaHandle) {
        let thread = Thread { [running, finished] in
            while running.withLockedValue({ $0 }) {
                rd_kafka_poll(handle.pointer, 100)
            }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops polling and waits for the thread to end; later calls return at once.
    func stop() {
        let wasRunning = running.withLockedValue { running in
            defer { running = false }
            return running
        }
        if wasRunning { finished.wait() }
    }
}
