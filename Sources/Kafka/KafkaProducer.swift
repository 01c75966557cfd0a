import CRdKafka
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// A librdkafka producer with delivery reports: each message's completion runs once the broker
/// acknowledged it, or once librdkafka gave up on it. A message is produced either with a
/// completion of its own, or with a number that the producer's one `NumberedDelivery` handler is
/// told: the way for a stream of many messages, which allocates nothing per message.
///
/// Defaults, which the caller's properties override: an idempotent producer
/// (`enable.idempotence=true`, so retries neither duplicate nor reorder), and the `murmur2_random`
/// partitioner, which places keys as the Java client does. A dedicated thread serves the delivery
/// reports; completions run on it and must be quick.
public final class KafkaProducer: Sendable {
    /// What the producer sets unless told otherwise.
    public static let defaults: [String: String] = [
        "enable.idempotence": "true",
        "partitioner": "murmur2_random",
        "linger.ms": "5",
        "compression.codec": "lz4",
    ]

    /// Told, on the poll thread, the fate of each message produced with a number: the number, and
    /// nil once the broker acknowledged it or why librdkafka gave up on it.
    public typealias NumberedDelivery = @Sendable (UInt64, KafkaError?) -> Void

    private let handle: KafkaHandle
    private let poller: PollThread
    private let topics = Mutex(TopicHandles())

    /// - Parameters:
    ///   - properties: librdkafka properties; `bootstrap.servers` at least.
    ///   - onNumberedDelivery: the handler of messages produced with `produce(_:number:)`.
    public init(properties: KafkaProperties, logger: Logger, onNumberedDelivery: NumberedDelivery? = nil) throws(KafkaError) {
        let configuration = try properties.withDefaults(Self.defaults).makeConfiguration()
        rd_kafka_conf_set_dr_msg_cb(configuration) { _, message, callbacks in
            guard let message, let opaque = message.pointee._private else { return }
            let error = message.pointee.err
            let failure = error == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError("Kafka did not take a message", error: error)
            switch MessageOpaque(opaque) {
            case let .number(number):
                guard let callbacks else { return }
                Unmanaged<HandleCallbacks>.fromOpaque(callbacks).takeUnretainedValue().numberedDelivery?(number, failure)
            case let .ticket(ticket):
                let completion = Unmanaged<DeliveryTicket>.fromOpaque(ticket).takeRetainedValue()
                if let failure {
                    completion.complete(.failure(failure))
                } else {
                    completion.complete(.success(KafkaDelivery(topic: completion.topic, partition: message.pointee.partition, offset: message.pointee.offset)))
                }
            }
        }
        handle = try KafkaHandle(
            kind: RD_KAFKA_PRODUCER, configuration: configuration, callbacks: HandleCallbacks(logger: logger, numberedDelivery: onNumberedDelivery)
        )
        poller = PollThread(name: "sluice-kafka-producer", handle: handle)
    }

    /// Queues `message`; `onDelivery` runs (on the poll thread) when the broker acknowledged it or
    /// librdkafka gave up. While librdkafka's queue is full this waits for deliveries to make room.
    public func produce(_ message: KafkaOutgoingMessage, onDelivery: @escaping @Sendable (Result<KafkaDelivery, KafkaError>) -> Void) async throws {
        let ticket = Unmanaged.passRetained(DeliveryTicket(topic: message.topic, onDelivery)).toOpaque()
        do {
            try await produce(message, opaque: ticket)
        } catch {
            Unmanaged<DeliveryTicket>.fromOpaque(ticket).release()
            throw error
        }
    }

    /// Queues `message` if librdkafka's queue has room; the producer's `onNumberedDelivery` is told
    /// `number` (below 2⁶³) with its fate. Returns false, having queued nothing, while the queue is
    /// full: then `waitForRoom()` and try again. A stream produced this way suspends only when it must.
    public func tryProduce(_ message: KafkaOutgoingMessage, number: UInt64) throws(KafkaError) -> Bool {
        try enqueue(message, opaque: MessageOpaque.pointer(number: number))
    }

    /// Waits a moment: room in librdkafka's queue comes as the poll thread serves delivery reports.
    public func waitForRoom() async throws {
        try await Task.sleep(for: .milliseconds(1))
    }

    private func produce(_ message: KafkaOutgoingMessage, opaque: UnsafeMutableRawPointer) async throws {
        while try !enqueue(message, opaque: opaque) { try await waitForRoom() }
    }

    /// Produces `message` and returns once the broker acknowledged it.
    public func send(_ message: KafkaOutgoingMessage) async throws -> KafkaDelivery {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<KafkaDelivery, any Error>, Never>) in
            Task {
                do {
                    try await produce(message) { continuation.resume(returning: $0.mapError { $0 }) }
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Waits up to `timeout` for every queued message to be delivered or to fail; true when none is left.
    public func flush(timeout: Duration) -> Bool {
        rd_kafka_flush(handle.pointer, timeout.kafkaTimeout)
            == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// The cluster's brokers and topics, as a broker it reaches describes them.
    public func metadata(timeout: Duration) async throws(KafkaError) -> KafkaMetadata {
        try await BlockingCall.run { [handle] in Result { () throws(KafkaError) in try handle.metadata(timeout: timeout) } }
    }

    /// Messages queued or in flight, not yet reported.
    public var outstanding: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// librdkafka's fatal error, if the idempotent producer hit one: nothing more can be produced.
    public var fatalError: KafkaError? { handle.fatalError }

    /// Flushes for up to `timeout`, fails what is left (their completions run with an error), and
    /// releases the producer.
    public func close(timeout: Duration = .seconds(10)) {
        _ = flush(timeout: timeout)
        rd_kafka_purge(handle.pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        _ = flush(timeout: .milliseconds(100))
        poller.stop()
        destroyTopicHandles()
        handle.destroy()
    }

    deinit {
        poller.stop()
        destroyTopicHandles()
        handle.destroy()
    }

    /// The handles of the topics produced to, by name, made on first use; and the last one used,
    /// since a stream's messages mostly go to one topic.
    private struct TopicHandles {
        var byName: [String: OpaquePointer] = [:]
        var last: (name: String, handle: OpaquePointer)?
    }

    private func topicHandle(_ name: String) throws(KafkaError) -> OpaquePointer {
        try topics.withLock { topics throws(KafkaError) in
            if let last = topics.last, last.name == name { return last.handle }
            let topic: OpaquePointer
            if let known = topics.byName[name] {
                topic = known
            } else {
                // Without a configuration of its own, the topic takes the topic-level properties
                // the producer was given, as a topic named in each call did.
                guard let made = rd_kafka_topic_new(handle.pointer, name, nil) else {
                    throw KafkaError("cannot produce to \(name)", error: rd_kafka_last_error())
                }
                topics.byName[name] = made
                topic = made
            }
            topics.last = (name, topic)
            return topic
        }
    }

    /// librdkafka wants the application's topic handles gone before the client.
    private func destroyTopicHandles() {
        let handles = topics.withLock { topics in
            defer { topics = TopicHandles() }
            return Array(topics.byName.values)
        }
        for topic in handles { rd_kafka_topic_destroy(topic) }
    }

    /// Hands `message` to librdkafka: false when its queue is full.
    private func enqueue(_ message: KafkaOutgoingMessage, opaque: UnsafeMutableRawPointer) throws(KafkaError) -> Bool {
        let topic = try topicHandle(message.topic)
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            // Read in place: iterating the array copied each header, a retain and release of its
            // name and value. Passed as a String, a name short enough to be stored inline would be
            // copied to the heap.
            message.headers.withUnsafeBufferPointer { all in
                for index in all.indices {
                    _ = all[index].name.withCString { name in
                        all[index].value.withUnsafeBytes { rd_kafka_header_add(headers, name, -1, $0.baseAddress, $0.count) }
                    }
                }
            }
        }
        let error = message.value.withUnsafeReadableBytes { value in
            withKey(message.key) { key in
                sluice_rd_kafka_produce(
                    handle.pointer, topic, message.partition ?? RD_KAFKA_PARTITION_UA,
                    key?.baseAddress, key?.count ?? 0, value.baseAddress, value.count, headers, opaque
                )
            }
        }
        // On success librdkafka owns the headers.
        if error == RD_KAFKA_RESP_ERR_NO_ERROR { return true }
        if let headers { rd_kafka_headers_destroy(headers) }
        guard error == RD_KAFKA_RESP_ERR__QUEUE_FULL else { throw KafkaError("cannot produce to \(message.topic)", error: error) }
        return false
    }

    private func withKey<R>(_ key: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard let key else { return body(nil) }
        return key.withUnsafeBytes { body($0) }
    }
}

/// One message's completion, handed to librdkafka as the message's opaque pointer.
final class DeliveryTicket: Sendable {
    /// The message's topic, shared with the caller's string: making one from librdkafka's topic
    /// name for every report cost an allocation per message.
    let topic: String
    let complete: @Sendable (Result<KafkaDelivery, KafkaError>) -> Void

    init(topic: String, _ complete: @escaping @Sendable (Result<KafkaDelivery, KafkaError>) -> Void) {
        self.topic = topic
        self.complete = complete
    }
}

/// A message's opaque pointer: a retained `DeliveryTicket`, or a number with the lowest bit set
/// (a ticket's address is aligned, so its lowest bit is clear).
enum MessageOpaque {
    case ticket(UnsafeMutableRawPointer)
    case number(UInt64)

    init(_ pointer: UnsafeMutableRawPointer) {
        let bits = UInt(bitPattern: pointer)
        self = bits & 1 == 1 ? .number(UInt64(bits >> 1)) : .ticket(pointer)
    }

    static func pointer(number: UInt64) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(number) << 1 | 1)!
    }
}
