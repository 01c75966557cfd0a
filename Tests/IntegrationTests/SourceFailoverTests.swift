import ChangeCapture
import Foundation
import Positions
import TestSupport
import Testing

/// `source.urls` on the failover pair of `scripts/services`: a primary and its replica (log_slave_updates)
/// that only this suite uses, so it can stop the primary and promote the replica while every other suite
/// goes on with the shared servers. Each test makes the pair a primary and replica again before it
/// starts and when it ends, passed or failed.
@Suite(.serialized) struct SourceFailoverTests {
    /// Each wait's bound: the pair serves this suite alone, but the index is the shared stand-in, slow
    /// under a parallel suite.
    static let bound = Duration.seconds(90)
    /// Rows the workload cycles through (inserts, updates, deletes): few, so the index keeps up
    /// quickly, and each document is written several times.
    static let rows = 40

    @Test func stoppingThePrimaryMidWorkloadContinuesFromThePromotedReplicaByGTID() async throws {
        try await Self.onThePair("failover") { db, harness, running in
            let table = "`\(db.name)`.t"
            let (primaryURL, replicaURL) = try (Self.primary(), Self.replica())
            let api = AdminAPI(port: await (try #require(running.admin)).port(), token: nil)
            try await db.writeWorkload(table, count: 80, rows: Self.rows)
            try await harness.waitUntilCaughtUp(within: Self.bound)
            #expect(try await api.status().source.inUse == primaryURL.description)

            // More changes, which Sluice may not have read yet when the primary stops. The replica has
            // them all first: a planned stop, so the primary takes nothing it committed with it.
            try await db.writeWorkload(table, count: 80, rows: Self.rows, from: 80)
            let replica = try await TestEnvironment.connect(TestEnvironment.failoverReplicaURL)
            defer { Task { try? await replica.close() } }
            let written = try await db.execute("SELECT @@gtid_binlog_pos").rows[0][0] ?? ""
            let applied = try await replica.query("SELECT MASTER_GTID_WAIT('\(written)', 60)").rows[0][0]
            try #require(applied == "0", "the replica did not apply the primary's \(written) within 60 s")
            try await Services.run(["stop-failover-primary"], within: .seconds(60))
            try await Services.run(["promote-failover-replica"], within: .seconds(60))

            let promoted = harness.reading(through: replica)
            try await promoted.db.writeWorkload(table, count: 60, rows: Self.rows, from: 160)
            // Caught up by GTIDs: a file and offset of the primary say nothing about the replica's.
            let end = try await replica.query("SELECT @@gtid_binlog_pos").rows[0][0] ?? ""
            try await waitUntil(Self.bound, "the saved position to reach the replica's GTID state \(end)", lastSeen: { "\(String(describing: try? await harness.savedPosition()))" }) {
                try await harness.savedPosition()?.gtidSet == end
            }
            let problems = try await promoted.assertIndexEqualsTable("t", columns: ["v", "n"])
            #expect(problems == [])
            // The position is a place in the replica's binlog, with the replica's GTID state there.
            let saved = try #require(try await harness.savedPosition())
            let there = try await replica.query("SELECT BINLOG_GTID_POS('\(saved.file)', \(saved.offset))").rows[0][0]
            #expect(there != nil && there == saved.gtidSet, "saved \(saved); the replica's GTID state there is \(there ?? "none")")
            // /status names the server read, without its password, and the lag probe asks that server.
            let replicaID = try await replica.query("SELECT @@server_id").rows[0][0].flatMap { UInt32($0) }
            try await waitUntil(Self.bound, "/status to show the replica in use, with its server id", lastSeen: { "\(String(describing: try? await api.status().source))" }) {
                let source = try await api.status().source
                return source.inUse == replicaURL.description && source.sourceServerID == replicaID
            }
            #expect(try await api.status().source.inUse?.contains(":sluice@") == false)
            try await bounded(.seconds(60), "the pipeline to return after a graceful shutdown") { try await running.stop() }

            // Restarted while the primary is still down: it goes on from the saved GTID position on the replica.
            let restarted = harness.run(try harness.configuration(sourceURLs: [TestEnvironment.failoverPrimaryURL, TestEnvironment.failoverReplicaURL]))
            try await promoted.db.writeWorkload(table, count: 40, rows: Self.rows, from: 220)
            let later = try await replica.query("SELECT @@gtid_binlog_pos").rows[0][0] ?? ""
            try await waitUntil(Self.bound, "the restarted pipeline to save the replica's GTID state \(later)", lastSeen: { "\(String(describing: try? await harness.savedPosition()))" }) {
                try await harness.savedPosition()?.gtidSet == later
            }
            #expect(try await promoted.assertIndexEqualsTable("t", columns: ["v", "n"]) == [])
            try await restarted.stop(within: .seconds(60))
        }
    }

    @Test func withoutAGTIDSetLosingTheServerStopsWithTheReasonInsteadOfSwitching() async throws {
        // A position saved without its GTID set, as Sluice saves one read from a server without GTIDs: a
        // file and offset, which mean nothing on the replica.
        try await Self.onThePair("nogtid", savedWithoutGTIDs: true) { db, harness, running in
            let (primaryURL, replicaURL) = try (Self.primary(), Self.replica())
            try await db.writeWorkload("`\(db.name)`.t", count: 50, rows: Self.rows)
            try await harness.waitUntilCaughtUp(within: Self.bound)
            let problems = try await harness.assertIndexEqualsTable("t", columns: ["v", "n"])
            #expect(problems == [])
            // Reading transactions that carry GTIDs made up no GTID state: the ones seen are not all there is.
            let before = try #require(try await harness.savedPosition())
            #expect(before.gtidSet == nil, "saved \(before)")

            try await Services.run(["stop-failover-primary"], within: .seconds(60))
            let outcome = try await bounded(Self.bound, "the pipeline to stop after losing the server it read") { await running.task.result }
            guard case let .failure(error) = outcome else {
                Issue.record("the pipeline returned without an error after losing the server it read")
                return
            }
            let message = "\(error)"
            #expect(message.contains("cannot switch servers without GTIDs"), "\(message)")
            #expect(message.contains("\(replicaURL.host):\(replicaURL.port)"), "\(message)")
            #expect(message.contains("sluice position set"), "\(message)")
            // It did not switch: it never read the replica, and the position is still a file and offset
            // of the primary.
            #expect(running.pipeline.metrics.sourceInUse == primaryURL)
            let after = try #require(try await harness.savedPosition())
            #expect(after.gtidSet == nil && after.file == before.file && after.offset == before.offset, "saved \(after), before \(before)")
        }
    }

    static func primary() throws -> SourceURL { try TestEnvironment.url(TestEnvironment.failoverPrimaryURL) }
    static func replica() throws -> SourceURL { try TestEnvironment.url(TestEnvironment.failoverReplicaURL) }

    /// Runs `body` with a scratch table `t` (`id, v, n`) on the failover primary and `sluice run` reading
    /// `source.urls` = [primary, replica] from its binlog end (or from a position saved there without a
    /// GTID set). Afterwards, passed or failed, the pipeline is stopped and the pair made a primary and
    /// replica again (rebuilt when the replica was promoted).
    static func onThePair(
        _ label: String, savedWithoutGTIDs: Bool = false,
        _ body: (ScratchDatabase, SyncHarness, SyncHarness.RunningPipeline) async throws -> Void
    ) async throws {
        try await restoreThePair()
        let outcome: Result<Void, any Error>
        do {
            let db = try await ScratchDatabase.create(label, on: TestEnvironment.failoverPrimaryURL)
            defer { Task { try? await db.connection.close() } }
            try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(40), n INT)")
            let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
            defer { Task { await harness.shutdown() } }
            if savedWithoutGTIDs {
                let end = try await db.execute("SHOW MASTER STATUS").rows[0]
                try await FilePositionStore(path: harness.positionsPath).save(SavedPosition(file: end[0] ?? "", offset: UInt64(end[1] ?? "") ?? 0, timestamp: 0))
            }
            let running = harness.run(try harness.configuration(sourceURLs: [TestEnvironment.failoverPrimaryURL, TestEnvironment.failoverReplicaURL]))
            do {
                try await body(db, harness, running)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            // A no-op when the body stopped it or it stopped by itself.
            _ = try? await bounded(.seconds(60), "the pipeline to stop") { try await running.stop() }
        }
        do {
            try await restoreThePair()
        } catch {
            Issue.record("could not make the failover pair a primary and replica again: \(error)")
        }
        try outcome.get()
    }

    /// The pair as a primary and its replica: a stopped server started, a promoted replica rebuilt.
    static func restoreThePair() async throws {
        try await Services.run(["reset-failover"], within: .seconds(180))
    }
}
