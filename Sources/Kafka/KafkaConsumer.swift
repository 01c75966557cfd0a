import CRdKafka
import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A member of a Kafka consumer group that commits offsets only when told to.
///
/// Defaults, which the caller's properties override: no automatic commits or offset stores
/// (`enable.auto.commit=false`, `enable.auto.offset.store=false`), and a new group starts at the
/// earliest offset. Every call into librdkafka that can run callbacks runs on one serial queue, so
/// the rebalance handler runs there, inside `poll`, `close` or a commit, never concurrently with them.
public final class KafkaConsumer: Sendable {
    /// A change of the partitions this member owns.
    public enum Rebalance: Sendable, Equatable {
        /// These partitions are now this member's; reading resumes at their committed offsets.
        case assigned([KafkaTopicPartition])
        /// These partitions go to another member once the handler returns: it should settle and
        /// commit what it read from them before it returns.
        case revoked([KafkaTopicPartition])
    }

    /// What the consumer sets unless told otherwise.
    public static let defaults: [String: String] = [
        "enable.auto.commit": "false",
        "enable.auto.offset.store": "false",
        "auto.offset.reset": "earliest",
    ]

    private let handle: KafkaHandle
    private let queue = DispatchQueue(label: "sluice-kafka-consumer")
    /// Partitions revoked during the current `poll`, whose messages it must not return.
    private let revokedWhilePolling: NIOLockedValueBox<Set<KafkaTopicPartition>>

    /// - Parameters:
    ///   - properties: librdkafka properties; `bootstrap.servers` and `group.id` at least.
    ///   - onRebalance: runs on the consumer's queue when partitions are assigned or revoked; the
    ///     change takes effect when it returns.
    public init(properties: KafkaProperties, logger: Logger, onRebalance: @escaping @Sendable (Rebalance) -> Void) throws(KafkaError) {
        guard properties["group.id"] != nil else { throw KafkaError("a Kafka consumer needs the property group.id") }
        let configuration = try properties.withDefaults(Self.defaults).makeConfiguration()
        // Never asked of librdkafka in the handler: rd_kafka_rebalance_protocol() waits on the
        // group's thread, and in the revocation that rd_kafka_consumer_close() runs it can wait for
        // ever (librdkafka #4041, open against 2.0 and 2.1). The protocol follows from the
        // assignors, which librdkafka requires to be all of one kind; its default ones (range,
        // roundrobin) are eager.
        let cooperative = properties["partition.assignment.strategy"]?.contains("cooperative") ?? false
        rd_kafka_conf_set_rebalance_cb(configuration) { handle, error, partitions, opaque in
            guard let handle, let partitions, let opaque else { return }
            Unmanaged<HandleCallbacks>.fromOpaque(opaque).takeUnretainedValue().rebalance?(handle, error, partitions)
        }
        let revokedWhilePolling = NIOLockedValueBox(Set<KafkaTopicPartition>())
        self.revokedWhilePolling = revokedWhilePolling
        let callbacks = HandleCallbacks(logger: logger) { handle, error, list in
            let partitions = Self.partitions(in: list)
            switch error {
            case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
                onRebalance(.assigned(partitions))
                if cooperative { rd_kafka_error_destroy(rd_kafka_incremental_assign(handle, list)) } else { rd_kafka_assign(handle, list) }
            case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
                revokedWhilePolling.withLockedValue { $0.formUnion(partitions) }
                onRebalance(.revoked(partitions))
                if cooperative { rd_kafka_error_destroy(rd_kafka_incremental_unassign(handle, list)) } else { rd_kafka_assign(handle, nil) }
            default:
                logger.warning("kafka rebalance failed: \(String(cString: rd_kafka_err2str(error)))")
                rd_kafka_assign(handle, nil)
            }
        }
        handle = try KafkaHandle(kind: RD_KAFKA_CONSUMER, configuration: configuration, callbacks: callbacks)
        rd_kafka_poll_set_consumer(handle.pointer)
    }

    /// Joins the group for `topics`; a name starting with `^` is a regular expression.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
        let error = rd_kafka_subscribe(handle.pointer, list)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError("cannot subscribe to \(topics)", error: error) }
    }

    /// Up to `maxMessages` messages, waiting up to `timeout` for the first; empty when none came.
    /// Rebalances are handled while it waits; messages of a partition revoked meanwhile are left
    /// out, as they belong to the partition's next owner, who reads them from the committed offset.
    public func poll(maxMessages: Int, timeout: Duration) async throws -> [KafkaConsumedMessage] {
        let (messages, failure) = await onQueue { [handle, revokedWhilePolling] () -> ([KafkaConsumedMessage], KafkaError?) in
            revokedWhilePolling.withLockedValue { $0.removeAll() }
            var messages: [KafkaConsumedMessage] = []
            var failure: KafkaError?
            var wait = timeout.kafkaTimeout
            while messages.count < maxMessages, let message = rd_kafka_consumer_poll(handle.pointer, wait) {
                defer { rd_kafka_message_destroy(message) }
                wait = 0
                let error = message.pointee.err
                if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                    messages.append(Self.consumed(message))
                } else if error != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    if let fatal = handle.fatalError {
                        failure = fatal
                        break
                    }
                    handle.logger.warning("kafka consumer: \(String(cString: rd_kafka_err2str(error)))")
                }
            }
            let revoked = revokedWhilePolling.withLockedValue { $0 }
            if !revoked.isEmpty { messages.removeAll { revoked.contains($0.topicPartition) } }
            return (messages, failure)
        }
        if let failure { throw failure }
        return messages
    }

    /// Commits `offsets` (for each partition, the offset of the next message to read) and waits
    /// for the broker to store them.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try await BlockingCall.run { [handle] () -> Result<Void, KafkaError> in
            let list = Self.list(offsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let error = rd_kafka_commit(handle.pointer, list, 0)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR__NO_OFFSET else {
                return .failure(KafkaError("cannot commit offsets \(offsets)", error: error))
            }
            return .success(())
        }
    }

    /// The group's committed offsets of `partitions` (nil where none is committed).
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws(KafkaError) -> [KafkaTopicPartition: Int64?] {
        try await BlockingCall.run { [handle] in
            let list = Self.list(Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }))
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let error = rd_kafka_committed(handle.pointer, list, timeout.kafkaTimeout)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { return .failure(KafkaError("cannot read committed offsets", error: error)) }
            var result: [KafkaTopicPartition: Int64?] = [:]
            for index in 0..<Int(list.pointee.cnt) {
                let element = list.pointee.elems[index]
                let offset = element.offset
                result[KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)] = offset >= 0 ? offset : nil
            }
            return .success(result)
        }
    }

    /// The partition's first offset still kept (retention moves it on) and its end: the offset the
    /// next produced message will get. Asks the partition's leader.
    public func watermarks(_ partition: KafkaTopicPartition, timeout: Duration = .seconds(10)) async throws(KafkaError) -> (low: Int64, high: Int64) {
        try await BlockingCall.run { [handle] in
            var low: Int64 = 0
            var high: Int64 = 0
            let error = rd_kafka_query_watermark_offsets(
                handle.pointer, partition.topic, partition.partition, &low, &high, timeout.kafkaTimeout
            )
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { return .failure(KafkaError("cannot read the offsets of \(partition)", error: error)) }
            return .success((low, high))
        }
    }

    /// The partition's first kept offset and its end, and where this member reads it (the offset
    /// after the last message it returned; nil before the first), all as it last learned them: no
    /// request to the broker, so cheap enough to ask for every owned partition each time offsets
    /// are committed. Nil until a fetch of the partition answered.
    public func lastKnownProgress(_ partition: KafkaTopicPartition) -> (low: Int64, end: Int64, position: Int64?)? {
        var low: Int64 = -1
        var high: Int64 = -1
        guard rd_kafka_get_watermark_offsets(handle.pointer, partition.topic, partition.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
              high >= 0
        else { return nil }
        let list = Self.list([partition: Int64(RD_KAFKA_OFFSET_INVALID)])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let position = rd_kafka_position(handle.pointer, list) == RD_KAFKA_RESP_ERR_NO_ERROR ? list.pointee.elems[0].offset : -1
        return (max(low, 0), high, position >= 0 ? position : nil)
    }

    /// Leaves the group (the handler sees the last revocation) and releases the consumer.
    public func close() async {
        await onQueue { [handle] in
            _ = rd_kafka_consumer_close(handle.pointer)
            handle.destroy()
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }

    /// The message's contents, copied. (librdkafka finds a message's headers and timestamp from the
    /// pointer it handed out, so they are read through it, never through a copy.)
    private static func consumed(_ pointer: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaConsumedMessage {
        let message = pointer.pointee
        let topic = String(cString: rd_kafka_topic_name(message.rkt))
        let key = message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
        var value = ByteBuffer()
        if let payload = message.payload {
            value.writeBytes(UnsafeRawBufferPointer(start: payload, count: message.len))
        }
        var headers: [KafkaHeader] = []
        var list: OpaquePointer?
        if rd_kafka_message_headers(pointer, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
            var index = 0
            var name: UnsafePointer<CChar>?
            var bytes: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(list, index, &name, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let data = bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(KafkaHeader(name.map { String(cString: $0) } ?? "", data))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(pointer, &timestampType)
        return KafkaConsumedMessage(
            topicPartition: KafkaTopicPartition(topic: topic, partition: message.partition), offset: message.offset,
            key: key, value: value, headers: headers, timestamp: timestamp >= 0 ? timestamp : nil
        )
    }

    private static func partitions(in list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
        }
    }

    private static func list(_ offsets: [KafkaTopicPartition: Int64]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        for (partition, offset) in offsets {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
        }
        return list
    }
}
