import Elasticsearch
import Foundation
import NIOCore
import Operations
import Synchronization
import Testing

/// `sluice verify` while the sync runs under a write workload: it finds a deleted, an extra and a
/// modified document and nothing else, and `--repair` mends each so the index equals the table.
@Suite struct VerifyTests {
    @Test func findsAndRepairsADeletedAnExtraAndAModifiedDocumentUnderWrites() async throws {
        let db = try await ScratchDatabase.create("verify")
        defer { Task { try? await db.drop() } }
        let table = "`\(db.name)`.items"
        try await db.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, name VARCHAR(64), qty INT, price DECIMAL(10,3), at DATETIME(6))")
        let values = (1...300).map { "(\($0), 'item \($0)', \($0 % 7), \($0).250, '2024-01-02 03:04:05.\(100_000 + $0)')" }
        try await db.execute("INSERT INTO \(table) VALUES \(values.joined(separator: ","))")
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let configuration = try harness.configuration(start: "snapshot")
        let pipeline = harness.run(configuration)
        try await harness.waitUntilCaughtUp()

        // A workload that keeps inserting and updating rows other than the three damaged below,
        // so the index is always a little behind the table while verify reads both.
        let stop = Atomic<Bool>(false)
        let workload = Task {
            let connection = try await TestEnvironment.connect(TestEnvironment.primaryURL)
            defer { Task { try? await connection.close() } }
            var next = 1000
            // About 300 row changes a second, paced so the shared ES-API stand-in (about 2k
            // documents a second) keeps up, with some in flight whenever verify looks.
            var tick = ContinuousClock.now
            while !stop.load(ordering: .relaxed) {
                let low = 10 + (next % 40) * 5
                _ = try await connection.query("INSERT INTO \(table) VALUES (\(next), 'new \(next)', 1, 1.000, NOW(6))")
                _ = try await connection.query("UPDATE \(table) SET qty = qty + 1, at = NOW(6) WHERE id BETWEEN \(low) AND \(low + 4)")
                next += 1
                tick = tick.advanced(by: .milliseconds(20))
                try await Task.sleep(until: tick)
            }
            return next - 1000
        }

        // Damage the index behind the sync's back, each with a version just above the document's,
        // as another writer would: delete 5, change 7, add 99999.
        let index = "\(db.name).items"
        let client = harness.client
        let five = try #require(try await client.get(index: index, id: "5")?.version)
        let seven = try #require(try await client.get(index: index, id: "7")?.version)
        let outcomes = try await client.bulk([
            .delete(index: index, id: "5", version: five + 1),
            .index(index: index, id: "7", version: seven + 1, source: ByteBuffer(string: #"{"id":7,"name":"tampered","qty":0,"price":7.250,"at":"2024-01-02T03:04:05.100007"}"#)),
            .index(index: index, id: "99999", version: 1, source: ByteBuffer(string: #"{"id":99999,"name":"stray"}"#)),
        ])
        #expect(outcomes == [.applied, .applied, .applied])

        var options = Verifier.Options()
        options.chunkSize = 97
        options.pageSize = 50
        // A bound, not a delay: each recheck waits only until the sync has passed the changes in flight.
        options.settleTimeout = .seconds(120)
        let found = try await Verifier(configuration: configuration, options: options, logger: TestEnvironment.logger).run()
        let items = try #require(found.tables.first { $0.table == "\(db.name).items" }, "\(found.text)")
        #expect(items.missing.ids == ["5"], "\(found.text)")
        #expect(items.extra.ids == ["99999"], "\(found.text)")
        #expect(items.different.ids == ["7"], "\(found.text)")
        #expect(!found.matches)

        options.repair = true
        let repaired = try await Verifier(configuration: configuration, options: options, logger: TestEnvironment.logger).run()
        let after = try #require(repaired.tables.first { $0.table == "\(db.name).items" })
        #expect(after.repaired == 3, "\(repaired.text)")
        #expect(repaired.matches, "\(repaired.text)")

        stop.store(true, ordering: .relaxed)
        let written = try await workload.value
        #expect(written > 0)
        try await harness.waitUntilCaughtUp()
        try await pipeline.stop()
        let problems = try await harness.assertIndexEqualsTable("items", columns: ["name", "qty", "price"])
        #expect(problems.isEmpty, "\(problems)")
        #expect(try await client.get(index: index, id: "7")?.source?["name"] == .string("item 7"))
        #expect(try await client.get(index: index, id: "99999") == nil)
        // And verify agrees, now that nothing is in flight.
        let final = try await Verifier(configuration: configuration, options: Verifier.Options(), logger: TestEnvironment.logger).run()
        #expect(final.matches, "\(final.text)")
    }

    /// A table whose index was never made: every row is reported missing (the rechecks included),
    /// rather than verify failing on the index it cannot find.
    @Test func aTableWithoutItsIndexHasEveryRowMissing() async throws {
        let db = try await ScratchDatabase.create("verify_noindex")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(8))")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1,'a'),(2,'b'),(3,'c')")
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        var options = Verifier.Options()
        // Nothing syncs: the rechecks need not wait for a sync to pass anything.
        options.settleTimeout = .zero
        let report = try await Verifier(configuration: try harness.configuration(), options: options, logger: TestEnvironment.logger).run()
        let table = try #require(report.tables.first, "\(report.text)")
        #expect(table.rows == 3 && table.documents == 0, "\(report.text)")
        #expect(table.missing.ids == ["1", "2", "3"], "\(report.text)")
        #expect(!report.matches)
    }
}
