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
            Build with `scripts/build-release` first.
            """
    )

    @Argument(help: "A binlog file, e.g. the one scripts/bench writes.")
    var file: String

    @Option(name: .long, help: "sluice, canal or debezium.")
    var format: String = "sluice"

    @Option(name: .long, help: "Partitions of the topic: the mock cluster keeps 5 MiB of each, which apply then reads.")
    var partitions: Int = 32

    @Option(name: .long, help: "A librdkafka property for the producer, NAME=VALUE, as kafka.properties would set it; repeatable.")
    var property: [String] = []

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
        let directCPU = ThreadCPU.now()
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

        let directSeconds = ThreadCPU.now().seconds(since: directCPU)
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        let topic = "bench"
        try cluster.createTopic(topic, partitions: partitions)
        var properties = KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "queue.buffering.max.messages": "1000000"])
        for assignment in property {
            guard let equals = assignment.firstIndex(of: "=") else { throw CLIError("--property takes NAME=VALUE, not \(assignment)") }
            properties[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        var chunks = try KafkaChunkProducer(encoder: KafkaChangeEncoder(format: format, topicTemplate: topic), properties: properties, logger: logger)
        let captureStart = ContinuousClock.now
        let captureCPU = ThreadCPU.now()
        var changes = try BinlogFileChanges(bytes: bytes, fileName: name)
        while let chunk = try changes.next() { try await chunks.produce(chunk) }
        while chunks.unconfirmed > 0, chunks.failure == nil { try await Task.sleep(for: .milliseconds(1)) }
        if let failure = chunks.failure { throw CLIError("the mock cluster refused a message: \(failure)") }
        let capture = Self.seconds(ContinuousClock.now - captureStart)
        let captureSeconds = ThreadCPU.now().seconds(since: captureCPU)
        let messages = Int(chunks.produced)
        chunks.close()

        let consumerProperties = KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "group.id": "bench"])
        let consumer = try KafkaConsumer(properties: consumerProperties, logger: logger) { _ in }
        // The mock cluster keeps only the newest 5 MiB (or 100,000 batches) of each partition, so
        // apply reads what is kept, from each partition's first kept offset to its end.
        var retained = 0
        for partition in 0..<Int32(partitions) {
            let (low, high) = try await consumer.watermarks(KafkaTopicPartition(topic: topic, partition: partition))
            retained += Int(high - low)
        }
        try consumer.subscribe([topic])
        var decoder = KafkaChangeDecoder(format: format)
        var builder = BulkBodyBuilder()
        var body = ByteBuffer()
        var consumed = 0
        var applyStart: ContinuousClock.Instant?
        var lastMessage = ContinuousClock.now
        var applyCPU = ThreadCPU.now()
        while consumed < retained {
            let batch = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(100))
            guard !batch.isEmpty else {
                if lastMessage.duration(to: .now) > .seconds(30) {
                    throw CLIError("apply read \(consumed) of the \(retained) messages the mock cluster kept, then nothing for 30 s")
                }
                continue
            }
            lastMessage = .now
            // The clock starts at the first message, once the group has formed.
            if applyStart == nil { (applyStart, applyCPU) = (lastMessage, ThreadCPU.now()) }
            var decoded: [RowChange] = []
            decoded.reserveCapacity(batch.count)
            for message in batch { decoded.append(try decoder.change(from: message)) }
            _ = builder.append(decoded, to: &body)
            if body.readableBytes > 5 << 20 { body.clear() }
            consumed += batch.count
        }
        let apply = Self.seconds(ContinuousClock.now - (applyStart ?? .now))
        let applySeconds = ThreadCPU.now().seconds(since: applyCPU)
        await consumer.close()

        print("file          \(file): \(rows) row changes, \(documents) documents, \(messages) messages (\(format.rawValue), \(partitions) partitions)")
        print("kept          \(retained) messages (the mock cluster keeps 5 MiB of each partition); apply reads these")
        print("              wall clock, then per CPU-second of Sluice's own threads (the mock broker's excluded)")
        print(String(format: "direct        %.3f s, %.0f rows/s; %.0f rows/CPU-s (decode + bulk bodies)", direct, Double(rows) / direct, Double(rows) / directSeconds))
        print(String(format: "capture       %.3f s, %.0f rows/s; %.0f rows/CPU-s, %.2fx direct (decode + encode + produce, all confirmed)",
                     capture, Double(rows) / capture, Double(rows) / captureSeconds, directSeconds / captureSeconds))
        print(String(format: "apply         %.3f s, %.0f messages/s; %.0f messages/CPU-s, %.2fx direct (consume + decode + bulk bodies)",
                     apply, Double(consumed) / apply, Double(consumed) / applySeconds, (Double(consumed) / applySeconds) / (Double(rows) / directSeconds)))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// CPU time of this process less that of its threads named `rdk:mock`: the mock cluster's broker,
/// which stands in for Kafka and is no part of Sluice's cost. Threads that have ended still count
/// in the process's total; the mock broker's thread lives as long as the cluster.
struct ThreadCPU {
    let ticks: Int

    static func now() -> ThreadCPU {
        var ticks = cpuTicks("/proc/self/stat")
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for task in tasks where (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.hasPrefix("rdk:mock") == true {
            ticks -= cpuTicks("/proc/self/task/\(task)/stat")
        }
        return ThreadCPU(ticks: ticks)
    }

    func seconds(since start: ThreadCPU) -> Double {
        Double(ticks - start.ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// utime + stime of a `stat` file: fields 14 and 15, counted after the command name's `)`.
    private static func cpuTicks(_ path: String) -> Int {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8), let end = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
        return user + system
    }
}
