import ArgumentParser
import ChangeCapture
import Foundation
import Kafka
import Logging
import NIOCore
import Pipeline

struct KafkaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Capture a binlog file into librdkafka's mock cluster, and apply it back into bulk bodies (the null sink).",
        discussion: """
            Three figures in one run, in row changes per second:
            - direct:  decoding and building _bulk bodies, as `sluice run` and `sluice bench bulk` do (the baseline);
            - capture: decoding, encoding messages and producing them until the mock cluster confirmed every one;
            - apply:   consuming them as a consumer group, decoding, and building _bulk bodies, discarded.
            The mock cluster runs in this process on loopback ports, so its threads share the machine.
            Build with `swift build -c release` first.
            """
    )

    @Argument(help: "A binlog file, e.g. the one scripts/bench writes.")
    var file: String

    @Option(name: .long, help: "sluice, canal or debezium.")
    var format: String = "sluice"

    @Option(name: .long, help: "Partitions of the topic.")
    var partitions: Int = 4

    func run() async throws {
        guard let format = KafkaMessageFormat(rawValue: format) else {
            throw CLIError("--format must be one of \(KafkaMessageFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let bytes = try DecodeCommand.read(file)
        let name = (file as NSString).lastPathComponent
        var logger = Logger(label: "sluice.bench")
        logger.logLevel = .warning

        var rows = 0
        var documents = 0
        let direct = try DecodeBench.best(of: 1) {
            var changes = try BinlogFileChanges(bytes: bytes, fileName: name)
            var builder = BulkBodyBuilder()
            var body = ByteBuffer()
            while let chunk = try changes.next() {
                rows += chunk.changes.count
                documents += builder.append(chunk.changes, to: &body)
                if body.readableBytes > 5 << 20 { body.clear() }
            }
        }

        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        let topic = "bench"
        try cluster.createTopic(topic, partitions: partitions)
        let properties = KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "queue.buffering.max.messages": "1000000"])
        let producer = try KafkaProducer(properties: properties, logger: logger)
        var chunks = KafkaChunkProducer(encoder: KafkaChangeEncoder(format: format, topicTemplate: topic), producer: producer)
        let captureStart = ContinuousClock.now
        var changes = try BinlogFileChanges(bytes: bytes, fileName: name)
        while let chunk = try changes.next() { try await chunks.produce(chunk) }
        while chunks.unconfirmed > 0, chunks.failure == nil { try await Task.sleep(for: .milliseconds(1)) }
        if let failure = chunks.failure { throw CLIError("the mock cluster refused a message: \(failure)") }
        let capture = Self.seconds(ContinuousClock.now - captureStart)
        let messages = Int(chunks.produced)
        producer.close()

        let consumerProperties = KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "group.id": "bench"])
        let consumer = try KafkaConsumer(properties: consumerProperties, logger: logger) { _ in }
        try consumer.subscribe([topic])
        var decoder = KafkaChangeDecoder(format: format)
        var builder = BulkBodyBuilder()
        var body = ByteBuffer()
        var consumed = 0
        var applyStart: ContinuousClock.Instant?
        while consumed < messages {
            let batch = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(100))
            // The clock starts at the first message, once the group has formed.
            if applyStart == nil, !batch.isEmpty { applyStart = .now }
            var decoded: [RowChange] = []
            decoded.reserveCapacity(batch.count)
            for message in batch { decoded.append(try decoder.change(from: message)) }
            _ = builder.append(decoded, to: &body)
            if body.readableBytes > 5 << 20 { body.clear() }
            consumed += batch.count
        }
        let apply = Self.seconds(ContinuousClock.now - (applyStart ?? .now))
        await consumer.close()

        print("file          \(file): \(rows) row changes, \(documents) documents, \(messages) messages (\(format.rawValue), \(partitions) partitions)")
        print(String(format: "direct        %.3f s, %.0f rows/s (decode + bulk bodies)", direct, Double(rows) / direct))
        print(String(format: "capture       %.3f s, %.0f rows/s (decode + encode + produce, all confirmed), %.2fx direct", capture, Double(rows) / capture, direct / capture))
        print(String(format: "apply         %.3f s, %.0f messages/s (consume + decode + bulk bodies), %.2fx direct", apply, Double(messages) / apply, (Double(messages) / apply) / (Double(rows) / direct)))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
