import Admin
import ChangeCapture
import Foundation
import Kafka
import Pipeline
import TestSupport
import Testing

/// `sluice capture` → Kafka (librdkafka's mock cluster) → `sluice apply` → the ES-API server,
/// with the real MariaDB.
@Suite struct KafkaTransportTests {
    /// A mixed workload on `t` (and a composite-key table): inserts, updates, deletes, a key
    /// change, a multi-statement transaction and a rollback.
    static func mixedWorkload(_ db: ScratchDatabase, rounds: ClosedRange<Int> = 1...3) async throws {
        for round in rounds {
            let base = round * 100
            try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...20).map { "(\(base + $0),'r\(round)',\($0))" }.joined(separator: ","))
            try await db.execute("UPDATE `\(db.name)`.t SET v = CONCAT(v, '-u'), n = n * 10 WHERE id % 3 = 0 AND id > \(base)")
            try await db.execute("DELETE FROM `\(db.name)`.t WHERE id % 7 = 0 AND id > \(base)")
            try await db.execute("UPDATE `\(db.name)`.t SET id = id + 50 WHERE id = \(base + 1)")
            try await db.execute("START TRANSACTION")
            try await db.execute("INSERT INTO `\(db.name)`.t VALUES (\(base + 99),'tx',1)")
            try await db.execute("UPDATE `\(db.name)`.t SET n = n + 1 WHERE id IN (\(base + 2), \(base + 99))")
            try await db.execute("UPDATE `\(db.name)`.t SET n = n + 1 WHERE id = \(base + 2)")
            try await db.execute("COMMIT")
            try await db.execute("START TRANSACTION")
            try await db.execute("INSERT INTO `\(db.name)`.t VALUES (\(base + 98),'rolled back',1)")
            try await db.execute("ROLLBACK")
        }
    }

    @Test func indexEqualsTableThroughKafka() async throws {
        let scenario = try await KafkaScenario.make("kafka")
        defer { Task { await scenario.cleanUp() } }
        let capture = scenario.capture()
        let apply = scenario.apply()
        try await Self.mixedWorkload(scenario.db)
        try await scenario.waitUntilCaughtUpAndApplied("apply to settle every message")
        #expect(try await scenario.assertIndexEqualsTable() == [])
        try await capture.stop()
        try await apply.stop()
    }

    /// An `apply` process killed with SIGKILL in the middle of its work: its successor starts at
    /// the last committed offsets and writes what followed again, with the same versions (409s),
    /// so nothing is lost and nothing goes backwards.
    @Test func anApplyProcessKilledMidBatchLosesNothing() async throws {
        let scenario = try await KafkaScenario.make("applykill")
        defer { Task { await scenario.cleanUp() } }
        let db = scenario.db
        let capture = scenario.capture()
        // 5,000 rows, and apply is killed at its first documents: it must not have finished by then
        // (2,000 rows and a kill at 200 documents once left a faster apply nothing to leave
        // behind), and it is little enough to leave the shared ES-API stand-in to the suites beside.
        for statement in 0..<25 {
            try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...200).map { "(\(statement * 200 + $0),'v',\($0))" }.joined(separator: ","))
        }
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'updated', n = n + 1 WHERE id % 5 = 0")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id % 11 = 0")
        // Every change is in Kafka before apply starts: what is left after the kill is apply's alone.
        try await scenario.sync.waitUntilCaughtUp()
        try await capture.stop()

        let config = scenario.sync.directory.appendingPathComponent("apply.yml").path
        try scenario.kafka.yaml(topic: "sluice.{db}.{table}", group: scenario.group).write(toFile: config, atomically: true, encoding: .utf8)
        let child = try SluiceProcess(["apply", "--config", config], logPath: scenario.sync.directory.appendingPathComponent("apply.log").path)
        defer { child.killIfRunning() }
        let index = "\(db.name).t".lowercased()
        try await waitUntil(.seconds(120), "the apply process to write its first documents", lastSeen: { child.logTail(5) }) {
            (try? await scenario.sync.client.count(index: index)) ?? 0 > 0
        }
        child.signal(SIGKILL)
        #expect(try await child.waitForExit(within: .seconds(10), "after SIGKILL") == .signal(SIGKILL))
        let left = try await scenario.committedAndEnd()
        try #require(left.committed < left.end, "apply finished before it was killed (\(left)): the test needs a larger workload")

        let successor = scenario.apply()
        try await scenario.kafka.waitUntilApplied([scenario.topic], partitions: 4, group: scenario.group, "the next apply to settle every message")
        #expect(try await scenario.assertIndexEqualsTable() == [])
        try await successor.stop()
    }

    /// capture and apply serve the admin API as `sluice run` does: on capture's, the row changes read
    /// and the messages produced and confirmed; on apply's, the documents written, each owned
    /// partition's committed offset, and no consumer lag once everything is applied.
    @Test func captureAndApplyReportOnTheirAdminAPIs() async throws {
        let scenario = try await KafkaScenario.make("kafkaops")
        defer { Task { await scenario.cleanUp() } }
        let capture = try scenario.sync.run(.capture, scenario.configuration)
        let apply = try scenario.sync.run(.apply, scenario.configuration)
        let db = scenario.db
        let table = "\(db.name).t"
        // 45 messages: a transaction's changes are coalesced per document, and these are one each.
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...30).map { "(\($0),'v',\($0))" }.joined(separator: ","))
        try await db.execute("UPDATE `\(db.name)`.t SET n = n + 1 WHERE id <= 10")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id > 25")
        try await scenario.waitUntilCaughtUpAndApplied("apply to settle every message")
        #expect(try await scenario.assertIndexEqualsTable() == [])

        let captureAPI = AdminAPI(port: await (try #require(capture.admin)).port(), token: nil)
        try await waitUntil(.seconds(60), "capture's /status to show 45 messages produced and confirmed") {
            let kafka = try await captureAPI.status().kafka
            return kafka?.produced == 45 && kafka?.unconfirmed == 0
        }
        let captured = try await captureAPI.metrics()
        #expect(captured.value("sluice_row_changes_total", ["table": table, "op": "insert"]) == 30)
        #expect(captured.value("sluice_row_changes_total", ["table": table, "op": "update"]) == 10)
        #expect(captured.value("sluice_row_changes_total", ["table": table, "op": "delete"]) == 5)
        #expect(captured.value("sluice_kafka_messages_produced_total", [:]) == 45)
        #expect(captured.value("sluice_kafka_messages_unconfirmed", [:]) == 0)
        #expect(try await captureAPI.status().position != nil)

        let applyAPI = AdminAPI(port: await (try #require(apply.admin)).port(), token: nil)
        try await waitUntil(.seconds(60), "apply's /status to show the 4 partitions committed to their ends") {
            let partitions = try await applyAPI.status().kafka?.partitions ?? []
            return partitions.count == 4 && partitions.allSatisfy { $0.committed == $0.end && $0.lag == 0 }
        }
        let partitions = try #require(try await applyAPI.status().kafka?.partitions)
        #expect(partitions.reduce(0) { $0 + ($1.committed ?? 0) } == 45)
        let applied = try await applyAPI.metrics()
        #expect(applied.value("sluice_documents_written_total", ["table": table]) == 45)
        for partition in partitions {
            let labels = ["topic": partition.topic, "partition": String(partition.partition)]
            #expect(applied.value("sluice_kafka_consumer_lag", labels) == 0)
            #expect(applied.value("sluice_kafka_committed_offset", labels) == Double(partition.committed ?? -1))
        }
        // Only `sluice run` copies tables again: apply says so rather than accepting and ignoring it.
        var settings = scenario.configuration.admin
        settings.port = applyAPI.port
        await #expect(throws: AdminError.self) { try await AdminClient.resnapshot(["\(table)"], settings) }
        try await capture.stop()
        try await apply.stop()
    }

    /// DESIGN.md's story: one row's changes spread over partitions that are consumed at different
    /// speeds. The speeds are made deterministic: partition 1's messages are produced (and so
    /// consumed) only after partition 0's are all applied, as if its consumer lagged behind.
    ///
    /// - `spread`: round-robin over two partitions, without versions, as flume did: stale documents.
    /// - `keyed`: murmur2 on the document key, still without versions: each row's changes share a
    ///   partition, in order, so every document ends at its row's last value.
    /// - `versioned`: round-robin again, with versions: the older writes that arrive late are refused.
    @Test func spreadPartitionsLeaveStaleDocumentsUnlessKeyedOrVersioned() async throws {
        let db = try await ScratchDatabase.create("story")
        defer { Task { try? await db.drop() } }
        let tables = ["spread", "keyed", "versioned"]
        for table in tables { try await db.execute("CREATE TABLE `\(db.name)`.\(table) (id INT PRIMARY KEY, v INT)") }
        let sync = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await sync.shutdown() } }
        let kafka = try KafkaHarness(sync)
        // Capture everything into one single-partition topic: the binlog's order, to deal out below.
        let stage = "stage-\(db.name)"
        try kafka.cluster.createTopic(stage, partitions: 1)
        let capture = sync.start(CapturePipeline(configuration: try kafka.configuration(topic: stage), logger: TestEnvironment.logger))
        // 11 rows, 5 rounds (an insert, then updates), one transaction each: with 11 rows a round,
        // round-robin puts consecutive changes of a row on different partitions.
        for round in 0..<5 {
            for id in 1...11 {
                for table in tables {
                    try await db.execute(round == 0
                        ? "INSERT INTO `\(db.name)`.\(table) VALUES (\(id), 0)"
                        : "UPDATE `\(db.name)`.\(table) SET v = \(round) WHERE id = \(id)")
                }
            }
        }
        try await sync.waitUntilCaughtUp()
        try await capture.stop()
        let messages = try await kafka.readAll(stage, count: 55 * tables.count)
        var decoder = KafkaChangeDecoder(format: .sluice)
        var byTable: [String: [KafkaConsumedMessage]] = [:]
        for message in messages { byTable[try decoder.change(from: message).table, default: []].append(message) }

        // Where murmur2 puts each key: produced once to a probe topic, as the partitioner decides.
        let producer = try KafkaProducer(properties: kafka.properties, logger: TestEnvironment.logger)
        defer { producer.close() }
        try kafka.cluster.createTopic("probe-\(db.name)", partitions: 2)
        var keyedPartitions: [Int32] = []
        for message in byTable["keyed"] ?? [] {
            keyedPartitions.append(try await producer.send(message.reproduced(to: "probe-\(db.name)", partition: nil, keepVersion: false)).partition)
        }
        #expect(Set(keyedPartitions) == [0, 1], "11 keys should land on both partitions")

        let group = "story-\(db.name)"
        var topics: [String] = []
        for table in tables {
            let topic = "story-\(db.name)-\(table)"
            try kafka.cluster.createTopic(topic, partitions: 2)
            topics.append(topic)
        }
        // Two apply processes share the partitions.
        let configuration = try kafka.configuration(topic: "story-\(db.name)-{table}", group: group)
        let applies = [
            sync.start(ApplyPipeline(configuration: configuration, logger: TestEnvironment.logger)),
            sync.start(ApplyPipeline(configuration: configuration, logger: TestEnvironment.logger)),
        ]
        for phase: Int32 in [0, 1] {
            for table in tables {
                for (index, message) in (byTable[table] ?? []).enumerated() {
                    let partition = table == "keyed" ? keyedPartitions[index] : Int32(index % 2)
                    guard partition == phase else { continue }
                    _ = try await producer.send(message.reproduced(
                        to: "story-\(db.name)-\(table)", partition: partition, keepVersion: table == "versioned"
                    ))
                }
            }
            try await kafka.waitUntilApplied(topics, partitions: 2, group: group, "apply to settle partition \(phase)")
        }
        let stale = try await sync.assertIndexEqualsTable("spread", columns: ["v"])
        #expect(!stale.isEmpty, "round-robin without versions should have left stale documents")
        #expect(try await sync.assertIndexEqualsTable("keyed", columns: ["v"]) == [])
        #expect(try await sync.assertIndexEqualsTable("versioned", columns: ["v"]) == [])
        for apply in applies { try await apply.stop() }
    }

    /// Brokers fail while capture and apply run: nothing is lost, and while the brokers are down
    /// the saved position never passes what Kafka had confirmed before the outage.
    @Test func brokerFailureDuringCaptureAndApply() async throws {
        let scenario = try await KafkaScenario.make("kafkaoutage")
        defer { Task { await scenario.cleanUp() } }
        let capture = scenario.capture()
        let apply = scenario.apply()
        try await Self.mixedWorkload(scenario.db, rounds: 1...1)
        try await scenario.sync.waitUntilCaughtUp()

        try scenario.kafka.cluster.setDown(broker: -1)
        try await scenario.db.execute("UPDATE `\(scenario.db.name)`.t SET n = n + 1")
        // The end of the binlog just after that update: no broker can confirm its messages, so no
        // saved position reaches it (other tests' transactions before it may be passed).
        let row = try await scenario.db.execute("SHOW MASTER STATUS").rows[0]
        let (file, offset) = (row[0] ?? "", UInt64(row[1] ?? "") ?? 0)
        try await Self.mixedWorkload(scenario.db, rounds: 2...2)
        for _ in 0..<10 {
            let saved = try #require(try await scenario.sync.savedPosition())
            #expect(!saved.isAtOrAfter(file: file, offset: offset), "saved \(saved.file):\(saved.offset) while no broker was up")
        }
        try scenario.kafka.cluster.setUp(broker: -1)
        try await Self.mixedWorkload(scenario.db, rounds: 3...3)
        try await scenario.waitUntilCaughtUpAndApplied("apply to settle after the outage")
        #expect(try await scenario.assertIndexEqualsTable() == [])
        try await capture.stop()
        try await apply.stop()
    }

    /// One apply process is killed (its task cancelled, requests cut short, nothing committed past
    /// them) while another joins; then a third process leaves gracefully mid-stream. The index
    /// still ends equal to the table: nothing lost, nothing visible doubled.
    @Test func killedAndRebalancedApplyProcessesLoseNothing() async throws {
        let scenario = try await KafkaScenario.make("kafkarebalance")
        defer { Task { await scenario.cleanUp() } }
        let capture = scenario.capture()
        let first = scenario.apply()
        try await Self.mixedWorkload(scenario.db, rounds: 1...2)
        try await scenario.sync.waitUntilCaughtUp()
        // Killed mid-stream: whatever it had in flight is cut off uncommitted.
        try await first.kill()
        let second = scenario.apply()
        let third = scenario.apply()
        try await Self.mixedWorkload(scenario.db, rounds: 3...4)
        try await scenario.sync.waitUntilCaughtUp()
        // Leaves gracefully: its partitions are settled, committed and handed to the other.
        try await third.stop()
        try await Self.mixedWorkload(scenario.db, rounds: 5...5)
        try await scenario.waitUntilCaughtUpAndApplied("the remaining apply to settle everything")
        #expect(try await scenario.assertIndexEqualsTable() == [])
        try await capture.stop()
        try await second.stop()
    }
}
