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

    /// A numbered stream on a queue of one message: while the broker is down the first message holds
    /// the queue and the second is refused, not lost; once the broker is back both are delivered.
    @Test func aFullQueueRefusesAMessageUntilDeliveriesMakeRoom() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { withExtendedLifetime(cluster) {} }
        try cluster.createTopic("full", partitions: 1)
        let (reports, report) = AsyncStream.makeStream(of: (UInt64, KafkaError?).self)
        let producer = try KafkaProducer(
            properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "queue.buffering.max.messages": "1"]),
            logger: logger, onNumberedDelivery: { report.yield(($0, $1)) }
        )
        defer { producer.close() }
        let message = { (text: String) in KafkaOutgoingMessage(topic: "full", key: nil, value: ByteBuffer(string: text)) }
        _ = try await producer.metadata(timeout: .seconds(10))
        try cluster.setDown(broker: 1)
        #expect(try producer.tryProduce(message("first"), number: 0))
        #expect(try !producer.tryProduce(message("second"), number: 1))
        try cluster.setUp(broker: 1)
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while try !producer.tryProduce(message("second"), number: 1) {
            try #require(ContinuousClock.now < deadline, "no room in librdkafka's queue 30 s after the broker came back")
            try await producer.waitForRoom()
        }
        var delivered: [UInt64] = []
        for await (number, failure) in reports {
            #expect(failure == nil)
            delivered.append(number)
            if delivered.count == 2 { break }
        }
        #expect(delivered == [0, 1])
    }

    /// Both rebalance protocols, as the assignors name them: the member is given every partition
    /// (an eager assignment, or an incremental one, as the protocol demands), reads what was
    /// produced, and gives every partition back when it closes.
    @Test(arguments: ["range,roundrobin", "cooperative-sticky"])
    func aMemberIsAssignedReadsAndGivesBackEveryPartition(strategy: String) async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { withExtendedLifetime(cluster) {} }
        try cluster.createTopic("members", partitions: 3)
        let producer = try KafkaProducer(properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers]), logger: logger)
        defer { producer.close() }
        for partition: Int32 in 0..<3 {
            _ = try await producer.send(KafkaOutgoingMessage(topic: "members", partition: partition, key: nil, value: ByteBuffer(string: "\(partition)")))
        }
        let (rebalances, rebalance) = AsyncStream.makeStream(of: KafkaConsumer.Rebalance.self)
        let consumer = try KafkaConsumer(
            properties: KafkaProperties([
                "bootstrap.servers": cluster.bootstrapServers, "group.id": "members", "partition.assignment.strategy": strategy,
            ]),
            logger: logger
        ) { rebalance.yield($0) }
        try consumer.subscribe(["members"])
        var read: Set<String> = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while read.count < 3, ContinuousClock.now < deadline {
            for message in try await consumer.poll(maxMessages: 10, timeout: .milliseconds(200)) { read.insert(String(buffer: message.value)) }
        }
        #expect(read == ["0", "1", "2"])
        await consumer.close()
        rebalance.finish()
        let all = Set((0..<Int32(3)).map { KafkaTopicPartition(topic: "members", partition: $0) })
        var assigned: Set<KafkaTopicPartition> = []
        var revoked: Set<KafkaTopicPartition> = []
        for await change in rebalances {
            switch change {
            case let .assigned(partitions): assigned.formUnion(partitions)
            case let .revoked(partitions): revoked.formUnion(partitions)
            }
        }
        #expect(assigned == all)
        #expect(revoked == all)
    }
}
