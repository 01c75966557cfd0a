import ChangeCapture
import Foundation
import Kafka
import NIOCore
import Pipeline
import TestSupport

/// librdkafka's mock cluster in this process (the real protocol on loopback ports), with what the
/// Kafka tests need around it: configurations for capture and apply, and waits on real conditions
/// (committed offsets reaching each partition's end).
struct KafkaHarness {
    let cluster: KafkaMockCluster
    let sync: SyncHarness

    init(_ sync: SyncHarness, brokers: Int = 3) throws {
        cluster = try KafkaMockCluster(brokers: brokers, logger: TestEnvironment.logger)
        self.sync = sync
    }

    var properties: KafkaProperties { KafkaProperties(["bootstrap.servers": cluster.bootstrapServers]) }

    /// The harness's configuration with a `kafka` section.
    func configuration(topic: String, group: String = "apply", format: KafkaMessageFormat = .sluice) throws -> SluiceConfiguration {
        try SluiceConfiguration.parse(yaml(topic: topic, group: group, format: format), file: "test.yml", environment: [:])
    }

    /// The same as YAML, for a `sluice` child process.
    func yaml(topic: String, group: String = "apply", format: KafkaMessageFormat = .sluice) -> String {
        sync.yaml(extra: section(topic: topic, group: group, format: format))
    }

    /// The `kafka` section alone.
    func section(topic: String, group: String = "apply", format: KafkaMessageFormat = .sluice) -> String {
        """
        kafka:
          brokers: "\(cluster.bootstrapServers)"
          topic: "\(topic)"
          format: \(format.rawValue)
          group: \(group)
          properties: {topic.metadata.refresh.interval.ms: "200", session.timeout.ms: "6000", heartbeat.interval.ms: "500", reconnect.backoff.max.ms: "1000"}

        """
    }

    /// Waits until `group` has committed every partition of `topics` up to its end: apply has
    /// settled every message produced so far.
    func waitUntilApplied(_ topics: [String], partitions: Int, group: String, _ what: String) async throws {
        let consumer = try reader(group: group)
        defer { Task { await consumer.close() } }
        let all = topics.flatMap { topic in (0..<Int32(partitions)).map { KafkaTopicPartition(topic: topic, partition: $0) } }
        try await waitUntil(.seconds(180), what) {
            try await Self.progress(of: all, by: consumer).allSatisfy { $0.committed == $0.end }
        }
    }

    /// A consumer in `group`, subscribed to nothing yet.
    func reader(group: String) throws -> KafkaConsumer {
        var reader = properties
        reader["group.id"] = group
        return try KafkaConsumer(properties: reader, logger: TestEnvironment.logger) { _ in }
    }

    /// Per partition, the committed offset of `consumer`'s group (0 when none) and the partition's end.
    static func progress(of partitions: [KafkaTopicPartition], by consumer: KafkaConsumer) async throws -> [(committed: Int64, end: Int64)] {
        let committed = try await consumer.committed(partitions)
        var progress: [(committed: Int64, end: Int64)] = []
        for partition in partitions {
            progress.append(((committed[partition] ?? nil) ?? 0, try await consumer.watermarks(partition).high))
        }
        return progress
    }

    /// Every message of `topic` (one partition, so in order), read from the start until `count`.
    func readAll(_ topic: String, count: Int) async throws -> [KafkaConsumedMessage] {
        let consumer = try reader(group: "reader-\(UInt32.random(in: 0...UInt32.max))")
        defer { Task { await consumer.close() } }
        try consumer.subscribe([topic])
        var messages: [KafkaConsumedMessage] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while messages.count < count {
            guard ContinuousClock.now < deadline else { throw TimedOut(description: "waited 60 s for \(count) messages in \(topic); read \(messages.count)") }
            messages += try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(100))
        }
        return messages
    }
}

extension KafkaConsumedMessage {
    /// The message as it would be produced again, to `topic` and `partition`, optionally without
    /// its version header.
    func reproduced(to topic: String, partition: Int32?, keepVersion: Bool) -> KafkaOutgoingMessage {
        KafkaOutgoingMessage(
            topic: topic, partition: partition, key: key, value: value,
            headers: keepVersion ? headers : headers.filter { $0.name != KafkaChangeHeader.version }
        )
    }
}

/// A scratch database with table `t (id, v, n)`, the mock cluster with topic `sluice.<db>.t` (four
/// partitions), and the configuration capture and apply share, with apply's group.
struct KafkaScenario {
    let db: ScratchDatabase
    let sync: SyncHarness
    let kafka: KafkaHarness
    let topic: String
    let group: String
    let configuration: SluiceConfiguration

    static func make(_ label: String) async throws -> KafkaScenario {
        let db = try await ScratchDatabase.create(label)
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(40), n INT)")
        let sync = try SyncHarness.make(db, start: try await db.binlogEnd())
        let kafka = try KafkaHarness(sync)
        let topic = "sluice.\(db.name).t"
        try kafka.cluster.createTopic(topic, partitions: 4)
        let group = "apply-\(db.name)"
        return KafkaScenario(
            db: db, sync: sync, kafka: kafka, topic: topic, group: group,
            configuration: try kafka.configuration(topic: "sluice.{db}.{table}", group: group)
        )
    }

    /// The scenario's group's committed offsets and the partitions' ends, summed over the 4 partitions.
    func committedAndEnd() async throws -> (committed: Int64, end: Int64) {
        let consumer = try kafka.reader(group: group)
        defer { Task { await consumer.close() } }
        let partitions = (0..<Int32(4)).map { KafkaTopicPartition(topic: topic, partition: $0) }
        return try await KafkaHarness.progress(of: partitions, by: consumer).reduce((0, 0)) { ($0.0 + $1.committed, $0.1 + $1.end) }
    }

    func capture() -> SyncHarness.Running<CapturePipeline> {
        sync.start(CapturePipeline(configuration: configuration, logger: TestEnvironment.logger))
    }

    func apply() -> SyncHarness.Running<ApplyPipeline> {
        sync.start(ApplyPipeline(configuration: configuration, logger: TestEnvironment.logger))
    }

    /// Capture has saved the binlog's current end, and apply has committed every message.
    func waitUntilCaughtUpAndApplied(_ what: String) async throws {
        try await sync.waitUntilCaughtUp()
        try await kafka.waitUntilApplied([topic], partitions: 4, group: group, what)
    }

    func assertIndexEqualsTable() async throws -> [String] {
        try await sync.assertIndexEqualsTable("t", columns: ["v", "n"])
    }

    func cleanUp() async {
        try? await db.drop()
        await sync.shutdown()
    }
}
