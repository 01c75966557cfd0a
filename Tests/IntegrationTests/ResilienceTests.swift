import ChangeCapture
import Foundation
import Positions
import TestSupport
import Testing

/// The in-process pipeline stopped, restarted, starved of its sink, and pointed at a purged binlog:
/// the index still ends equal to the table, and the checkpoint never gets ahead of the sink.
@Suite struct ResilienceTests {
    @Test func stopAndRestartOnTheSamePositionsFileLosesAndDoublesNothing() async throws {
        let db = try await ScratchDatabase.create("restart")
        defer { Task { try? await db.drop() } }
        let t = "`\(db.name)`.t"
        try await db.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, v VARCHAR(20), n INT)")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let configuration = try harness.configuration()
        var ledger = VersionLedger(db)

        // First run: a batch, and a stop while some of it may still be unread, queued or in flight.
        let first = harness.run(configuration)
        for id in 1...40 { try await ledger.execute("INSERT INTO \(t) VALUES (\(id), 'a\(id)', \(id))", id: id) }
        for id in 1...10 { try await ledger.execute("UPDATE \(t) SET v = 'b\(id)', n = n + 100 WHERE id = \(id)", id: id) }
        for id in 31...35 { try await ledger.execute("DELETE FROM \(t) WHERE id = \(id)", id: id, deletes: true) }
        // It has saved a position, so the second run resumes from the file, not from the start.
        try await waitUntil(.seconds(60), "the first pipeline to save a position") { try await harness.savedPosition() != nil }
        try await bounded(.seconds(60), "the first pipeline to return after a graceful shutdown") { try await first.stop() }

        // Written while nothing runs.
        for id in 41...60 { try await ledger.execute("INSERT INTO \(t) VALUES (\(id), 'c\(id)', \(id))", id: id) }
        for id in 11...20 { try await ledger.execute("UPDATE \(t) SET v = 'd\(id)', n = n + 200 WHERE id = \(id)", id: id) }
        for id in 1...5 { try await ledger.execute("DELETE FROM \(t) WHERE id = \(id)", id: id, deletes: true) }
        // One document written twice in a transaction keeps the later write and its version.
        try await ledger.transaction([
            .init(sql: "UPDATE \(t) SET v = 'e6' WHERE id = 6", id: 6),
            .init(sql: "UPDATE \(t) SET v = 'e7' WHERE id = 7", id: 7),
            .init(sql: "UPDATE \(t) SET v = 'f6', n = 606 WHERE id = 6", id: 6),
            .init(sql: "INSERT INTO \(t) VALUES (61, 'e61', 61)", id: 61),
            .init(sql: "DELETE FROM \(t) WHERE id = 36", id: 36, deletes: true),
        ])

        // Second run on the same positions file, and more writes while it runs.
        let second = harness.run(configuration)
        for id in 21...30 { try await ledger.execute("UPDATE \(t) SET v = 'g\(id)', n = n + 300 WHERE id = \(id)", id: id) }
        for id in 31...33 { try await ledger.execute("INSERT INTO \(t) VALUES (\(id), 'h\(id)', \(id))", id: id) }
        for id in 6...8 { try await ledger.execute("UPDATE \(t) SET n = n + 1 WHERE id = \(id)", id: id) }
        try await harness.waitUntilCaughtUp()

        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [])
        #expect(try await harness.versionProblems("t", ledger) == [])
        try await bounded(.seconds(60), "the second pipeline to return after a graceful shutdown") { try await second.stop() }
    }

    @Test func aFrozenSinkDelaysChangesButLosesNone() async throws {
        let db = try await ScratchDatabase.create("outage")
        defer { Task { try? await db.drop() } }
        let t = "`\(db.name)`.t"
        try await db.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, v VARCHAR(20), n INT)")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let pipeline = harness.run(try harness.configuration())
        var ledger = VersionLedger(db)
        try await db.execute("INSERT INTO \(t) VALUES " + (1...30).map { "(\($0), 'a\($0)', \($0))" }.joined(separator: ","))
        // The index exists and the sink is in use before it freezes.
        try await harness.waitUntilCaughtUp()

        try await SinkProcess.whileFrozen {
            try await ledger.execute("UPDATE \(t) SET v = 'frozen' WHERE id = 1", id: 1)
            let gtids = try await db.execute("SELECT @@last_gtid, @@gtid_binlog_pos").rows[0]
            let firstFrozen = VersionLedger.gtidSum(last: gtids[0] ?? "", binlogPosition: gtids[1] ?? "")
            for id in 31...60 { try await ledger.execute("INSERT INTO \(t) VALUES (\(id), 'b\(id)', \(id))", id: id) }
            for id in 2...20 { try await ledger.execute("UPDATE \(t) SET v = 'c\(id)', n = n * 10 WHERE id = \(id)", id: id) }
            for id in 21...25 { try await ledger.execute("DELETE FROM \(t) WHERE id = \(id)", id: id, deletes: true) }
            try await db.execute("UPDATE \(t) SET n = n + 1 WHERE id BETWEEN 40 AND 50")
            // Gives the pipeline a moment to read these and try to send them; the outcome must not
            // depend on how long this is.
            try await Task.sleep(for: .milliseconds(1500))
            // Nothing after the first frozen change was acknowledged, so the checkpoint is before it.
            let saved = try await harness.savedPosition()
            #expect((saved?.gtidSum ?? 0) < firstFrozen, "saved \(String(describing: saved)) while the sink was frozen")
        }
        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [])
        try await bounded(.seconds(60), "the pipeline to return after a graceful shutdown") { try await pipeline.stop() }
    }

    @Test func aSavedPositionInAMissingBinlogStopsWithBothWaysOut() async throws {
        let db = try await ScratchDatabase.create("purged")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY)")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let missing = SavedPosition(file: "mariadb-bin.999999", offset: 4, timestamp: 0)
        try await FilePositionStore(path: harness.positionsPath).save(missing)

        let pipeline = harness.run(try harness.configuration())
        let outcome: Result<Void, any Error>
        do {
            try await bounded(.seconds(60), "the pipeline to stop on a saved position the server does not have") { try await pipeline.task.value }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        guard case let .failure(error) = outcome else {
            Issue.record("the pipeline returned without an error from a position in a binlog that does not exist")
            return
        }
        #expect(!(error is TimedOut), "\(error)")
        let message = "\(error)"
        #expect(message.contains("mariadb-bin.999999"), "\(message)")
        #expect(message.contains("sluice position set"), "\(message)")
        #expect(message.contains("sluice position reset"), "\(message)")
        #expect(message.contains("snapshot"), "\(message)")
        // The saved position is left as it was, for the user to decide.
        #expect(try await harness.savedPosition()?.file == missing.file)
        #expect(try await harness.savedPosition()?.offset == missing.offset)
    }
}

extension SyncHarness {
    /// Each remaining row's document has the version of the row's last change.
    func versionProblems(_ table: String, _ ledger: VersionLedger) async throws -> [String] {
        let index = "\(db.name).\(table)".lowercased()
        var problems: [String] = []
        for (id, version) in ledger.expected.sorted(by: { $0.key < $1.key }) {
            let document = try await client.get(index: index, id: String(id))
            if document?.version != version {
                problems.append("document \(id) has version \(document?.version.map(String.init) ?? "none"), its last change has \(version)")
            }
        }
        return problems
    }
}
