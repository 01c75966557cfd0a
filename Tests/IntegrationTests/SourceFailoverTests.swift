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
        try await write(0..<200)
        try await harness.waitUntilCaughtUp()
        let beforeCut = try #require(try await harness.savedPosition())
        #expect(beforeCut.gtidSet != nil)

        // The primary "fails": its connection is cut and reconnects are refused. Changes go on, through
        // replication, and can only reach the index through the replica.
        proxy.stop()
        try await write(200..<500)
        let replica = try await TestEnvironment.connect(TestEnvironment.replicaURL)
        defer { Task { try? await replica.close() } }
        let primaryGTID = try await db.execute("SELECT @@gtid_binlog_pos").rows[0][0] ?? ""
        #expect(try await replica.query("SELECT MASTER_GTID_WAIT('\(primaryGTID)', 60)").rows[0][0] == "0")
        try await harness.waitUntilCaughtUp(on: replica)

        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [])
        let afterCut = try #require(try await harness.savedPosition())
        // The position is now a place in the replica's binlog, carrying the primary's GTIDs.
        let there = try await replica.query("SELECT BINLOG_GTID_POS('\(afterCut.file)', \(afterCut.offset))").rows[0][0]
        #expect(there != nil, "saved \(afterCut) is not a position in the replica's binlog")
        #expect((afterCut.gtidSum ?? 0) >= (SavedPosition(file: "", offset: 0, gtidSet: primaryGTID, timestamp: 0).gtidSum ?? 1), "saved \(afterCut), primary at \(primaryGTID)")
        try await running.stop()
    }
}
