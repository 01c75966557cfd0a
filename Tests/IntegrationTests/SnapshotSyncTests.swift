import ChangeCapture
import Foundation
import Positions
import Testing

/// `start: snapshot`: rows that exist before the start, and changes while the copy runs.
@Suite struct SnapshotSyncTests {
    @Test func aPopulatedTableWrittenToDuringTheSnapshot() async throws {
        let db = try await ScratchDatabase.create("snapshot")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20), n INT)")
        try await db.execute("CREATE TABLE `\(db.name)`.u (a INT, b VARCHAR(5), v INT, PRIMARY KEY (a, b))")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...400).map { "(\($0), 'v\($0)', \($0))" }.joined(separator: ","))
        try await db.execute("INSERT INTO `\(db.name)`.u VALUES " + (1...60).map { "(\($0 % 7), 'k\($0)', \($0))" }.joined(separator: ","))
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let pipeline = harness.run(try harness.configuration(start: "snapshot", extra: "snapshot: { chunk_size: 25 }"))
        // Writes while the copy runs (or after it: either way the index must end equal to the table).
        for id in stride(from: 1, through: 400, by: 9) {
            try await db.execute("UPDATE `\(db.name)`.t SET v = 'changed', n = n + 1000 WHERE id = \(id)")
        }
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id BETWEEN 100 AND 150")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1000, 'new', 1)")
        try await db.execute("UPDATE `\(db.name)`.u SET v = -1 WHERE a = 3")
        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [])
        try await harness.client.refresh(index: "\(db.name).u")
        #expect(try await harness.client.count(index: "\(db.name).u") == 60)
        #expect(try await harness.client.get(index: "\(db.name).u", id: #"[3,"k3"]"#)?.source?["v"] == .number("-1"))
        try await pipeline.stop()
    }

    @Test func anInterruptedSnapshotResumes() async throws {
        let db = try await ScratchDatabase.create("resume")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20))")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...3000).map { "(\($0), 'v\($0)')" }.joined(separator: ","))
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let configuration = try harness.configuration(start: "snapshot", extra: "snapshot: { chunk_size: 10 }")
        let first = harness.run(configuration)
        // Stop once some chunks, but not all, are acknowledged.
        let store = FilePositionStore(path: harness.positionsPath)
        var interrupted: SnapshotProgress?
        for _ in 0..<3000 {
            if let progress = try await store.load()?.snapshot, progress.lastKey != nil {
                interrupted = progress
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        try await first.stop()
        #expect(interrupted != nil, "the first run saved no snapshot progress before it was stopped")
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'after' WHERE id IN (1, 300, 2999)")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 599")
        let second = harness.run(configuration)
        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v"]) == [])
        try await second.stop()
    }

    /// A saved snapshot progress is resumed after its last key, not started over: rows at or below
    /// the key (which this test never copied) stay absent, the rest are copied.
    @Test func resumesAfterTheSavedKey() async throws {
        let db = try await ScratchDatabase.create("resumekey")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20))")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...50).map { "(\($0), 'v\($0)')" }.joined(separator: ","))
        guard case let .filePosition(file, offset) = try await db.binlogEnd() else { return }
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let progress = SnapshotProgress(binlogFile: file, binlogOffset: offset, tables: ["\(db.name).t"], current: "\(db.name).t", lastKey: ["30"])
        try await FilePositionStore(path: harness.positionsPath).save(SavedPosition(file: file, offset: offset, timestamp: 0, snapshot: progress))
        let pipeline = harness.run(try harness.configuration(start: "snapshot", extra: "snapshot: { chunk_size: 7 }"))
        try await harness.waitUntilCaughtUp()
        let index = "\(db.name).t".lowercased()
        try await harness.client.refresh(index: index)
        #expect(try await harness.client.count(index: index) == 20)
        #expect(try await harness.client.get(index: index, id: "30") == nil)
        #expect(try await harness.client.get(index: index, id: "31")?.source?["v"] == .string("v31"))
        try await pipeline.stop()
    }
}
