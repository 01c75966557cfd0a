import Kafka
import Logging
import NIOCore
import Testing

/// The wrapper against librdkafka's mock cluster: the real protocol on loopback ports.
@Suite struct MockClusterRoundTripTests {
    let logger = Logger(label: "kafka-tests")

    @Test func producedMessagesAreConsumedWithKeysHeadersAndCommittedOffsets() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        // Alive until the clients are gone, not only until its last use.
        defer { withExtendedLifetime(cluster) {} }
        try cluster.createTopic("round-trip", partitions: 4)
        let producer = try KafkaProducer(properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
        defer { producer.close() }
        var deliveries: [KafkaDelivery] = []
        for index in 0..<200 {
            let message = KafkaOutgoingMessage(
                topic: "round-trip", key: Array("key-\(index % 20)".utf8), value: ByteBuffer(string: "value-\(index)"),
                headers: [KafkaHeader("index", "\(index)")]
            )
            deliveries.append(try await producer.send(message))
        }
        // murmur2 keys: one key, one partition.
        var partitionOfKey: [Int: Int32] = [:]
        for (index, delivery) in deliveries.enumerated() {
            #expect(partitionOfKey[index % 20, default: delivery.partition] == delivery.partition)
            partitionOfKey[index % 20] = delivery.partition
        }

        let consumer = try KafkaConsumer(
            properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "group.id": "round-trip-group"]), logger: logger
        ) { _ in }
        try consumer.subscribe(["round-trip"])
        var seen: [String: [Int]] = [:]
        var offsets: [KafkaTopicPartition: Int64] = [:]
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while seen.values.map(\.count).reduce(0, +) < 200, ContinuousClock.now < deadline {
            for message in try await consumer.poll(maxMessages: 100, timeout: .milliseconds(200)) {
                let index = Int(String(decoding: try #require(message.header("index")), as: UTF8.self))!
                #expect(String(buffer: message.value) == "value-\(index)")
                seen[String(decoding: message.key ?? [], as: UTF8.self), default: []].append(index)
                offsets[message.topicPartition] = message.offset + 1
            }
        }
        // Every message once, and each key's messages in the order produced.
        #expect(seen.count == 20)
        for (key, indexes) in seen {
            #expect(indexes == indexes.sorted(), "\(key) out of order")
            #expect(indexes.count == 10)
        }
        try await consumer.commit(offsets)
        let committed = try await consumer.committed(Array(offsets.keys))
        for (partition, offset) in offsets {
            #expect(committed[partition] == offset)
            #expect(try await consumer.watermarks(partition).high == offset)
        }
        await consumer.close()
    }

    @Test func deliveryWaitsForABrokerThatIsDownAndCompletesWhenItIsBack() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { withExtendedLifetime(cluster) {} }
        try cluster.createTopic("outage", partitions: 1)
        let producer = try KafkaProducer(properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
        defer { producer.close() }
        _ = try await producer.send(KafkaOutgoingMessage(topic: "outage", key: nil, value: ByteBuffer(string: "before")))
        try cluster.setDown(broker: 1)
        let (reports, report) = AsyncStream.makeStream(of: Result<KafkaDelivery, KafkaError>.self)
        try await producer.produce(KafkaOutgoingMessage(topic: "outage", key: nil, value: ByteBuffer(string: "during"))) {
            report.yield($0)
        }
        // No broker to take it: the message stays queued…
        #expect(producer.outstanding >= 1)
        try cluster.setUp(broker: 1)
        // …and is delivered, after the first, once the broker is back.
        var iterator = reports.makeAsyncIterator()
        let delivery = try #require(await iterator.next()).get()
        #expect(delivery.offset == 1)
    }
}
