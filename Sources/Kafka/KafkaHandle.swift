import CRdKafka
import Logging
import NIOConcurrencyHelpers

/// An `rd_kafka_t` and what its callbacks need: librdkafka's log lines and errors go to `logger`.
///
/// librdkafka's calls are thread-safe; the handle is destroyed once, after its users stopped.
final class KafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    let logger: Logger
    private let destroyed = NIOLockedValueBox(false)

    init(kind: rd_kafka_type_t, configuration: OpaquePointer, callbacks: HandleCallbacks) throws(KafkaError) {
        self.logger = callbacks.logger
        // The C callbacks find `callbacks` through the handle's opaque; it is released with the handle.
        let box = Unmanaged.passRetained(callbacks)
        rd_kafka_conf_set_opaque(configuration, box.toOpaque())
        rd_kafka_conf_set_error_cb(configuration) { _, error, reason, opaque in
            guard let opaque else { return }
            let callbacks = Unmanaged<HandleCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            let text = reason.map { String(cString: $0) } ?? ""
            callbacks.logger.warning("kafka: \(String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: error)))): \(text)")
        }
        rd_kafka_conf_set_log_cb(configuration) { handle, level, facility, text in
            guard let handle, let opaque = rd_kafka_opaque(handle) else { return }
            let callbacks = Unmanaged<HandleCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            let message = "kafka \(facility.map { String(cString: $0) } ?? ""): \(text.map { String(cString: $0) } ?? "")"
            switch level {
            case 0...3: callbacks.logger.error("\(message)")
            case 4: callbacks.logger.warning("\(message)")
            default: callbacks.logger.debug("\(message)")
            }
        }
        var reason = [CChar](repeating: 0, count: 512)
        guard let pointer = rd_kafka_new(kind, configuration, &reason, reason.count) else {
            rd_kafka_conf_destroy(configuration)
            box.release()
            throw KafkaError("cannot create a Kafka client: \(String(cBuffer: reason))")
        }
        self.pointer = pointer
        self.callbacks = box
    }

    private let callbacks: Unmanaged<HandleCallbacks>

    var fatalError: KafkaError? {
        var reason = [CChar](repeating: 0, count: 512)
        let error = rd_kafka_fatal_error(pointer, &reason, reason.count)
        guard error != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError("Kafka client failed for good: \(String(cBuffer: reason))", code: error.rawValue)
    }

    /// Destroys the handle (once); later calls do nothing.
    func destroy() {
        let first = destroyed.withLockedValue { destroyed in
            defer { destroyed = true }
            return !destroyed
        }
        guard first else { return }
        rd_kafka_destroy(pointer)
        callbacks.release()
    }

    deinit { destroy() }
}

/// The state librdkafka's C callbacks reach through the handle's opaque pointer.
final class HandleCallbacks: Sendable {
    let logger: Logger
    /// A consumer's rebalance callback: the handle, assign or revoke, and the partitions.
    let rebalance: Rebalance?
    /// A producer's handler of the messages it produced with a number.
    let numberedDelivery: KafkaProducer.NumberedDelivery?

    typealias Rebalance = @Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void

    init(logger: Logger, rebalance: Rebalance? = nil, numberedDelivery: KafkaProducer.NumberedDelivery? = nil) {
        self.logger = logger
        self.rebalance = rebalance
        self.numberedDelivery = numberedDelivery
    }
}
