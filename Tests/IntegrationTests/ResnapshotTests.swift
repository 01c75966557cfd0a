import ChangeCapture
import Foundation
import Pipeline
import Positions
import Testing
import TestSupport

/// Online re-snapshots: tables copied again while the binlog streams on.
@Suite struct ResnapshotTests {
    /// Rows that the stream never carried reach the index, and rows written during the copy end
    /// at their last value: no copied chunk overwrites a newer change.
    @Test func aTableUnderWritesIsCopiedAgainWhileStreaming() async throws {
        let db = try await ScratchDatabase.create("resnap")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20), n INT)")
        try await db.execute("CREATE TABLE `\(db.name)`.m (id INT PRIMARY KEY)")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...600).map { "(\($0), 'v\($0)', \($0))" }.joined(separator: ","))
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let running = harness.run(try harness.configuration(extra: "snapshot: { chunk_size: 13 }"))
        try await db.execute("INSERT INTO `\(db.name)`.m VALUES (1)")
        try await harness.waitUntilCaughtUp()
        let writer = try await TestEnvironment.connect(TestEnvironment.primaryURL)
        defer { Task { try? await writer.close() } }
        try running.pipeline.resnapshots.request(["\(db.name).t"])
        var random = SplitMix64(seed: 42)
        for step in 0..<400 {
            let id = Int(random.next() % 700) + 1
            switch step % 4 {
            case 0: _ = try await writer.query("DELETE FROM `\(db.name)`.t WHERE id = \(id)")
            case 1: _ = try await writer.query("INSERT IGNORE INTO `\(db.name)`.t VALUES (\(id), 'new\(step)', \(step))")
            default: _ = try await writer.query("UPDATE `\(db.name)`.t SET v = 'up\(step)', n = n + 1 WHERE id = \(id)")
            }
        }
        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [])
        try await running.stop()
    }

    /// After the binlogs at the saved position are gone, `sluice resnapshot --all --from-latest`
    /// moves to the current end and copies every table while streaming from there.
    @Test func recoversFromAPurgedPosition() async throws {
        let db = try await ScratchDatabase.create("resnappurge")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20), n INT)")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES " + (1...100).map { "(\($0), 'v\($0)', \($0))" }.joined(separator: ","))
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let configuration = try harness.configuration(extra: "snapshot: { chunk_size: 30 }")
        try await FilePositionStore(path: harness.positionsPath).save(SavedPosition(file: "mariadb-bin.999999", offset: 4, timestamp: 0))
        await #expect {
            try await harness.run(configuration).task.value
        } throws: { error in
            "\(error)".contains("sluice resnapshot --all --from-latest")
        }
        let scheduled = try await ResnapshotSchedule(configuration: configuration, logger: TestEnvironment.logger)
            .schedule([], all: true, fromLatest: true)
        #expect(scheduled.file != "mariadb-bin.999999")
        #expect(scheduled.resnapshot == ResnapshotProgress(tables: ["\(db.name).t"]))
        let running = harness.run(configuration)
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'after' WHERE id IN (1, 50, 100)")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 77")
        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [])
        try await running.stop()
    }
}
