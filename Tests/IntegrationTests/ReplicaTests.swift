import ChangeCapture
import Testing

/// Reading from the replica, which has `log_slave_updates=1`, and surviving its restarts. The
/// restarts touch only the replica, so the suites that use the primary run on undisturbed.
@Suite(.serialized) struct ReplicaTests {
    @Test func theReplicaCarriesThePrimarysChanges() async throws {
        let db = try await ScratchDatabase.create("replica")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20))")
        let replica = try await TestEnvironment.connect(TestEnvironment.replicaURL)
        let row = try await replica.query("SHOW MASTER STATUS").rows[0]
        try await replica.close()
        let start = StartPosition.filePosition(file: row[0]!, position: UInt64(row[1]!)!)
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1,'a'),(2,'b')")
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'c' WHERE id = 2")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 1")
        try await db.writeMarker()

        let changes = try await db.changes(from: start, url: TestEnvironment.replicaURL)
        #expect(changes.map(\.operation) == [.insert, .insert, .update, .delete])
        #expect(changes[2].json(\.after) == ["id": "2", "v": #""c""#])
        // The replica's own binlog keeps the primary's GTIDs: server id 1, not the replica's 2.
        #expect(changes.allSatisfy { $0.position.gtid?.hasPrefix("0-1-") == true })
    }

    @Test func aRestartMidTransactionResumesWithNothingLostOrDoubled() async throws {
        let db = try await ScratchDatabase.create("restart")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v INT)")
        let replica = try await TestEnvironment.connect(TestEnvironment.replicaURL)
        let row = try await replica.query("SHOW MASTER STATUS").rows[0]
        try await replica.close()
        // One transaction of 50 rows, handed on in chunks of 10: the restart comes after the first
        // chunk, so the transaction is read again from its start after the reconnect.
        try await db.execute("START TRANSACTION")
        for id in 1...50 { try await db.execute("INSERT INTO `\(db.name)`.t VALUES (\(id), \(id))") }
        try await db.execute("COMMIT")
        try await db.execute("UPDATE `\(db.name)`.t SET v = v + 100 WHERE id <= 5")

        var configuration = BinlogSourceConfiguration(
            url: try TestEnvironment.url(TestEnvironment.replicaURL),
            serverID: UInt32.random(in: 10_000...4_000_000_000),
            start: .filePosition(file: row[0]!, position: UInt64(row[1]!)!),
            filter: try TableFilter(include: ["\(db.name)\\..*"]),
            reconnectBackoff: .milliseconds(100) ... .seconds(1),
            maxBufferedChanges: 10
        )
        configuration.heartbeat = .seconds(1)
        var iterator = BinlogSource(configuration: configuration, logger: TestEnvironment.logger).changes().makeAsyncIterator()
        var changes: [RowChange] = []
        var restarted = false
        var markerWritten = false
        reading: while let chunk = try await iterator.next() {
            for change in chunk.changes {
                if change.table == "done" { break reading }
                changes.append(change)
            }
            if !restarted, chunk.commit == nil, !chunk.changes.isEmpty {
                try await Services.run(["restart-replica"], within: .seconds(120))
                restarted = true
            }
            if changes.count == 55, !markerWritten {
                try await db.writeMarker()
                markerWritten = true
            }
        }
        #expect(restarted)
        #expect(changes.count == 55)
        #expect(changes.prefix(50).map { $0.json(\.after)["id"] } == (1...50).map { String($0) })
        #expect(changes.suffix(5).map { $0.json(\.after)["v"] } == (101...105).map { String($0) })
    }
}
