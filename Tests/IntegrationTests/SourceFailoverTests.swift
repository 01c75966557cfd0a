import Foundation
import Positions
import Testing

/// `source.urls` with the primary and its replica: when the server read fails, reading continues from
/// the next one at the same GTID position. The primary is reached through a proxy that the test cuts,
/// so the shared servers keep running for every other test.
@Suite struct SourceFailoverTests {
    @Test func losingThePrimaryContinuesFromTheReplicaByGTID() async throws {
        let db = try await ScratchDatabase.create("failover")
        defer { Task { try? await db.drop() } }
        let table = "`\(db.name)`.t"
        try await db.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, v VARCHAR(40), n INT)")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let primary = try TestEnvironment.url(TestEnvironment.primaryURL)
        let proxy = try TCPProxy(to: primary.port)
        defer { proxy.stop() }
        let proxied = "mysql://\(primary.user):\(primary.password)@127.0.0.1:\(proxy.port)"
        let running = harness.run(try harness.configuration(sourceURLs: [proxied, TestEnvironment.replicaURL]))

        func write(_ range: Range<Int>) async throws {
            for statement in range {
                let id = statement % 80 + 1
                try await db.execute("INSERT INTO \(table) VALUES (\(id), 's\(statement)', \(statement)) ON DUPLICATE KEY UPDATE v = 's\(statement)', n = \(statement)")
                if statement % 7 == 0 { try await db.execute("DELETE FROM \(table) WHERE id = \((statement * 3) % 80 + 1)") }
            }
        }
        // Waits on this test's own rows and GTIDs, not the binlog's end: other suites write to the
        // shared primary meanwhile.
        func waitUntilIndexed(_ what: String) async throws {
            try await waitUntil(HighAvailabilityTests.catchUp, what) { (try? await harness.assertIndexEqualsTable("t", columns: ["v", "n"])) == [] }
            let last = try await db.execute("SELECT @@gtid_binlog_pos").rows[0][0] ?? ""
            let wanted = SavedPosition(file: "", offset: 0, gtidSet: last, timestamp: 0).gtidSum ?? 1
            try await waitUntil(HighAvailabilityTests.catchUp, "the saved position to reach \(last) (\(what))", lastSeen: { "\(String(describing: try? await harness.savedPosition()))" }) {
                (try await harness.savedPosition()?.gtidSum ?? 0) >= wanted
            }
        }
        try await write(0..<200)
        try await waitUntilIndexed("reading through the proxy")

        // The primary "fails": its connections are cut and reconnects refused. Changes go on, through
        // replication, and can only reach the index through the replica.
        #expect(proxy.stop() > 0, "nothing was connected through the proxy")
        try await write(200..<500)
        let replica = try await TestEnvironment.connect(TestEnvironment.replicaURL)
        defer { Task { try? await replica.close() } }
        do {
            try await waitUntilIndexed("reading from the replica")
        } catch {
            // A pipeline that stopped on an error says why.
            try await running.stop()
            throw error
        }
        // The position is now a place in the replica's binlog, carrying the primary's GTIDs.
        let saved = try #require(try await harness.savedPosition())
        let there = try await replica.query("SELECT BINLOG_GTID_POS('\(saved.file)', \(saved.offset))").rows[0][0]
        #expect(there != nil, "saved \(saved) is not a position in the replica's binlog")
        try await running.stop()
    }
}
