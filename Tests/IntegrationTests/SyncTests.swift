import ChangeCapture
import Foundation
import Testing

/// `sluice run` end to end: MariaDB to the ES-API server, the index compared with the table.
@Suite struct SyncTests {
    @Test func insertsUpdatesDeletesKeyChangesAndRollbacks() async throws {
        let db = try await ScratchDatabase.create("sync")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20), n INT)")
        try await db.execute("CREATE TABLE `\(db.name)`.pair (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let pipeline = harness.run(try harness.configuration())

        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1,'a',1),(2,'b',2),(3,'c',3),(4,'d',4)")
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'B', n = 20 WHERE id = 2")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 3")
        try await db.execute("UPDATE `\(db.name)`.t SET id = 40 WHERE id = 4")
        try await db.execute("START TRANSACTION")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (5,'e',5)")
        try await db.execute("UPDATE `\(db.name)`.t SET n = n + 100 WHERE id IN (1, 5)")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 2")
        try await db.execute("COMMIT")
        try await db.execute("START TRANSACTION")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (6,'rolled back',6)")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 1")
        try await db.execute("ROLLBACK")
        try await db.execute("INSERT INTO `\(db.name)`.pair VALUES (1,'x',1),(1,'y',2),(2,'x',3)")
        try await db.execute("UPDATE `\(db.name)`.pair SET v = 30 WHERE a = 2")
        try await db.execute("DELETE FROM `\(db.name)`.pair WHERE a = 1 AND b = 'y'")

        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [])
        // Composite keys: the id is the key values as a JSON array.
        try await harness.client.refresh(index: "\(db.name).pair")
        #expect(try await harness.client.count(index: "\(db.name).pair") == 2)
        #expect(try await harness.client.get(index: "\(db.name).pair", id: #"[2,"x"]"#)?.source?["v"] == .number("30"))
        #expect(try await harness.client.get(index: "\(db.name).pair", id: #"[1,"y"]"#) == nil)
        try await pipeline.stop()
    }

    /// A transaction larger than the reader holds (10,000 changes) and than the sink's in-flight
    /// bound streams through in chunks, with its changes to one document still in order.
    @Test func aTransactionLargerThanEveryBufferStreamsThrough() async throws {
        let db = try await ScratchDatabase.create("bigtxn")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20))")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let pipeline = harness.run(try harness.configuration(bulk: "max_documents: 1000, concurrency: 3, linger_ms: 0, max_bytes: 65536, max_bytes_in_flight: 131072"))
        try await db.execute("START TRANSACTION")
        try await db.execute("INSERT INTO `\(db.name)`.t SELECT seq, CONCAT('v', seq) FROM `\(db.name)`.seq_1_to_10500")
        // Changes to rows whose inserts are in the first chunk, handed on before these.
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'updated' WHERE id % 1000 = 0")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id % 1000 = 1")
        try await db.execute("COMMIT")
        try await harness.waitUntilCaughtUp()
        let index = "\(db.name).t"
        try await harness.client.refresh(index: index)
        #expect(try await harness.client.count(index: index) == 10_489)
        for id in [1000, 5000, 10_000] { #expect(try await harness.client.get(index: index, id: "\(id)")?.source?["v"] == .string("updated")) }
        for id in [1, 5001, 10_001] { #expect(try await harness.client.get(index: index, id: "\(id)") == nil) }
        #expect(try await harness.client.get(index: index, id: "10500")?.source?["v"] == .string("v10500"))
        try await pipeline.stop()
    }

    @Test func manyUpdatesOfTheSameRowsEndAtTheLastValue() async throws {
        let db = try await ScratchDatabase.create("order")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v INT)")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let pipeline = harness.run(try harness.configuration())
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...20).map { "(\($0), 0)" }.joined(separator: ","))
        // Interleaved single-row updates: with small batches and several in flight, any reordering
        // of one document's writes would leave it at an older value.
        for round in 1...15 {
            for id in 1...20 { try await db.execute("UPDATE `\(db.name)`.t SET v = \(round * 100 + id) WHERE id = \(id)") }
        }
        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v"]) == [])
        try await pipeline.stop()
    }

    @Test func readingFromTheReplica() async throws {
        let db = try await ScratchDatabase.create("syncreplica")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20))")
        let replica = try await TestEnvironment.connect(TestEnvironment.replicaURL)
        let row = try await replica.query("SHOW MASTER STATUS").rows[0]
        let harness = try SyncHarness.make(db, start: .filePosition(file: row[0]!, position: UInt64(row[1]!)!))
        defer { Task { await harness.shutdown() } }
        let pipeline = harness.run(try harness.configuration(sourceURL: TestEnvironment.replicaURL))
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1,'a'),(2,'b'),(3,'c')")
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'z' WHERE id = 2")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 3")
        // The replica has applied everything the primary wrote (MASTER_GTID_WAIT returns 0), then
        // the pipeline has caught up with the replica's own binlog.
        let primaryGTIDs = try await db.execute("SELECT @@gtid_binlog_pos").rows[0][0] ?? ""
        let waited = try await replica.query("SELECT MASTER_GTID_WAIT('\(primaryGTIDs)', 60)").rows[0][0]
        #expect(waited == "0")
        try await harness.waitUntilCaughtUp(on: replica)
        try await replica.close()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v"]) == [])
        try await pipeline.stop()
    }
}

@Suite struct SyncRefusalTests {
    @Test func aTableWithoutAPrimaryKeyIsRefusedAtStart() async throws {
        let db = try await ScratchDatabase.create("nokey")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (a INT, b INT)")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        await #expect {
            try await harness.run(try harness.configuration()).stop()
        } throws: { error in
            "\(error)".contains("\(db.name).t has no primary key") && "\(error)".contains("rules")
        }
        // With rules[].id naming the key columns, the same table is accepted and synced.
        let pipeline = harness.run(try harness.configuration(extra: "rules: [{table: \(db.name).t, id: [a]}]"))
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1, 10), (2, 20)")
        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", key: "a", columns: ["b"]) == [])
        try await pipeline.stop()
    }
}

@Suite struct SyncTypeTests {
    /// Every column type reaches the index through the mappings derived from it: nothing is refused.
    @Test func everyTypeIsIndexed() async throws {
        let db = try await ScratchDatabase.create("synctypes")
        defer { Task { try? await db.drop() } }
        try await EveryTypeTable.create(in: db)
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let pipeline = harness.run(try harness.configuration())
        try await db.execute("SET time_zone = '+00:00'")
        try await EveryTypeTable.insertEdgeRow(in: db)
        try await db.execute("INSERT INTO `\(db.name)`.t (id) VALUES (2)")
        try await harness.waitUntilCaughtUp()
        #expect(!FileManager.default.fileExists(atPath: harness.deadLetterPath), "documents were refused: \(String(decoding: FileManager.default.contents(atPath: harness.deadLetterPath) ?? Data(), as: UTF8.self))")
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["bi", "bu", "dec1", "vc"]) == [])
        let document = try await harness.client.get(index: "\(db.name).t", id: "1")?.source
        #expect(document?["dtm6"] == .string("2024-02-29T23:59:59.123456"))
        #expect(document?["ts"] == .string("2038-01-19T03:14:07.999Z"))
        try await pipeline.stop()
    }
}
