import ChangeCapture
import Foundation
import Positions
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The `sluice` executable under the signals a machine sends it: SIGKILL mid-workload (a crash),
/// SIGTERM (a service manager stopping it), and the `position` commands that replace deleting files
/// by hand.
@Suite struct ProcessResilienceTests {
    /// Writes the harness's configuration to its directory, for the executable.
    static func configurationFile(_ harness: SyncHarness, intervalMS: Int) throws -> String {
        let path = harness.directory.appendingPathComponent("sluice.yml").path
        try harness.yaml(intervalMS: intervalMS).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func killedRepeatedlyMidWorkloadLosesAndDoublesNothing() async throws {
        let db = try await ScratchDatabase.create("crash")
        defer { Task { try? await db.drop() } }
        let t = "`\(db.name)`.t"
        try await db.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, v VARCHAR(40), n INT)")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let config = try Self.configurationFile(harness, intervalMS: 50)
        let log = harness.directory.appendingPathComponent("sluice.log").path
        func start() throws -> SluiceProcess { try SluiceProcess(["run", "--config", config], logPath: log) }
        var child = try start()
        defer { child.killIfRunning() }

        var random = SplitMix64(seed: 0x5EED)
        var present = Set<Int>()
        var statement = 0
        var kills = 0
        var lastSaved: SavedPosition?
        // One change of one row: an insert when it is absent, else mostly updates, some deletes.
        func change(_ id: Int) -> String {
            statement += 1
            if present.insert(id).inserted {
                return "INSERT INTO \(t) VALUES (\(id), 's\(statement)-\(id)', \(statement))"
            }
            if random.next() % 4 == 0 {
                present.remove(id)
                return "DELETE FROM \(t) WHERE id = \(id)"
            }
            return "UPDATE \(t) SET v = 's\(statement)-\(id)', n = \(statement) WHERE id = \(id)"
        }
        func anyRow() -> Int { Int(random.next() % 200) + 1 }

        while statement < 3000 {
            switch random.next() % 40 {
            case 0:
                // A multi-row transaction, touching some rows twice.
                try await db.execute("START TRANSACTION")
                for _ in 0..<(3 + Int(random.next() % 6)) { try await db.execute(change(anyRow())) }
                try await db.execute("COMMIT")
            case 1:
                // One statement changing many rows.
                let low = anyRow()
                statement += 1
                try await db.execute("UPDATE \(t) SET n = n + 1, v = 'range\(statement)' WHERE id BETWEEN \(low) AND \(low + 15)")
            case 2:
                // A transaction rolled back: none of it may reach the index.
                try await db.execute("START TRANSACTION")
                let id = anyRow()
                statement += 1
                try await db.execute("UPDATE \(t) SET v = 'rolled back' WHERE id = \(id)")
                try await db.execute("ROLLBACK")
            default:
                try await db.execute(change(anyRow()))
            }

            if statement >= (kills + 1) * 650, kills < 4 {
                kills += 1
                // The running process has made progress of its own since it started, so it dies in
                // the middle of its work rather than before it began.
                let previous = lastSaved
                try await waitUntil(.seconds(90), "sluice run (restart \(kills - 1)) to save a position past \(previous.map { "\($0.file):\($0.offset)" } ?? "none")",
                                    lastSeen: { [child] in child.logTail(5) }) {
                    guard let saved = try await harness.savedPosition() else { return false }
                    return previous.map { !$0.isAtOrAfter(file: saved.file, offset: saved.offset) } ?? true
                }
                child.signal(SIGKILL)
                let exit = try await child.waitForExit(within: .seconds(30), "after SIGKILL")
                #expect(exit == .signal(SIGKILL))
                // A crash never leaves a positions file that cannot be read, nor one that went back.
                let saved: SavedPosition?
                do {
                    saved = try await harness.savedPosition()
                } catch {
                    Issue.record("after kill \(kills) the positions file is unreadable: \(error)")
                    throw error
                }
                #expect(saved != nil, "after kill \(kills) there is no positions file")
                if let saved, let previous {
                    #expect(saved.isAtOrAfter(file: previous.file, offset: previous.offset), "the position went back from \(previous) to \(saved)")
                }
                lastSaved = saved
                child = try start()
            }
        }
        #expect(kills == 4)

        try await harness.waitUntilCaughtUp()
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [], "log:\n\(child.logTail())")
        child.signal(SIGTERM)
        #expect(try await child.waitForExit(within: .seconds(30), "after SIGTERM") == .exit(0), "log:\n\(child.logTail())")
    }

    @Test func sigtermWhileIdleExitsZeroHavingSavedTheLastAcknowledgedPosition() async throws {
        let db = try await ScratchDatabase.create("sigterm")
        defer { Task { try? await db.drop() } }
        let t = "`\(db.name)`.t"
        try await db.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, v VARCHAR(20))")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        // A long interval: no position is saved while running, so what the file holds afterwards is
        // what the shutdown saved.
        let config = try Self.configurationFile(harness, intervalMS: 600_000)
        let child = try SluiceProcess(["run", "--config", config], logPath: harness.directory.appendingPathComponent("sluice.log").path)
        defer { child.killIfRunning() }

        try await db.execute("INSERT INTO \(t) VALUES " + (1...20).map { "(\($0), 'a\($0)')" }.joined(separator: ","))
        try await db.execute("UPDATE \(t) SET v = 'b' WHERE id <= 5")
        try await db.execute("DELETE FROM \(t) WHERE id > 15")
        let gtids = try await db.execute("SELECT @@last_gtid, @@gtid_binlog_pos").rows[0]
        let lastWritten = VersionLedger.gtidSum(last: gtids[0] ?? "", binlogPosition: gtids[1] ?? "")
        try await waitUntil(.seconds(60), "the index to equal the table", lastSeen: { child.logTail(5) }) {
            (try? await harness.assertIndexEqualsTable("t", columns: ["v"])) == []
        }
        #expect(try await harness.savedPosition() == nil, "a position was saved before the interval")

        child.signal(SIGTERM)
        let exit = try await child.waitForExit(within: .seconds(30), "after SIGTERM while idle")
        #expect(exit == .exit(0), "log:\n\(child.logTail())")
        let saved = try #require(try await harness.savedPosition(), "no position saved at shutdown; log:\n\(child.logTail())")
        // At least everything this test wrote (all acknowledged), and nothing past the binlog's end.
        #expect((saved.gtidSum ?? 0) >= lastWritten, "saved \(saved), the test's last transaction has GTID sum \(lastWritten)")
        let end = try await db.execute("SHOW MASTER STATUS").rows[0]
        #expect(!saved.isAtOrAfter(file: end[0] ?? "", offset: (UInt64(end[1] ?? "") ?? 0) + 1), "saved \(saved) is past the binlog's end \(end)")
        // File, offset and GTID set name the same place.
        let gtidThere = try await db.execute("SELECT BINLOG_GTID_POS('\(saved.file)', \(saved.offset))").rows[0][0]
        #expect(gtidThere == saved.gtidSet)
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v"]) == [])
    }

    @Test func positionShowSetAndReset() async throws {
        let db = try await ScratchDatabase.create("position")
        defer { Task { try? await db.drop() } }
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let config = try Self.configurationFile(harness, intervalMS: 1000)
        func status() async throws -> (file: String, offset: UInt64) {
            let row = try await db.execute("SHOW MASTER STATUS").rows[0]
            return (row[0] ?? "", UInt64(row[1] ?? "") ?? 0)
        }

        // set latest: other writers may move the binlog's end meanwhile, so it is read before and
        // after; a quiet moment (both equal) pins it exactly.
        var before = try await status()
        var after = before
        for _ in 0..<10 {
            before = try await status()
            let set = try await SluiceProcess.run(["position", "set", "latest", "--config", config])
            after = try await status()
            try #require(set.status == 0, "position set latest failed: \(set.stderr)")
            if before == after { break }
        }
        let saved = try #require(try await harness.savedPosition())
        if before == after {
            #expect(saved.file == before.file && saved.offset == before.offset, "saved \(saved), SHOW MASTER STATUS \(before)")
        } else {
            #expect(saved.isAtOrAfter(file: before.file, offset: before.offset) && !saved.isAtOrAfter(file: after.file, offset: after.offset + 1))
        }

        let show = try await SluiceProcess.run(["position", "show", "--config", config])
        #expect(show.status == 0, "\(show.stderr)")
        let shown = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        #expect(shown?["file"] as? String == saved.file, "\(show.stdout)")
        #expect((shown?["offset"] as? NSNumber)?.uint64Value == saved.offset, "\(show.stdout)")

        let reset = try await SluiceProcess.run(["position", "reset", "--config", config])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(!FileManager.default.fileExists(atPath: harness.positionsPath))
        let none = try await SluiceProcess.run(["position", "show", "--config", config])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stdout.contains("no saved position"), "\(none.stdout)")

        let missing = try await SluiceProcess.run(["position", "set", "mariadb-bin.999999:4", "--config", config])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("mariadb-bin.999999"), "\(missing.stderr)")
        // It says what to do: a position the server has, or a new snapshot.
        #expect(missing.stderr.contains("earliest") && missing.stderr.contains("latest"), "\(missing.stderr)")
        #expect(missing.stderr.contains("snapshot"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: harness.positionsPath), "a failed set wrote a position")
    }
}
