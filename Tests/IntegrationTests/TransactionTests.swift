import ChangeCapture
import Testing

/// Statements, transactions and rollbacks as the binlog records them.
@Suite struct TransactionTests {
    @Test func multiRowStatementsTransactionsAndRollbacks() async throws {
        let db = try await ScratchDatabase.create("txn")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB")
        let start = try await db.binlogEnd()
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1,'a'),(2,'b'),(3,'c')")
        try await db.execute("START TRANSACTION")
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'x' WHERE id <= 2")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 3")
        try await db.execute("COMMIT")
        try await db.execute("START TRANSACTION")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (99,'rolled back')")
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'rolled back' WHERE id = 1")
        try await db.execute("ROLLBACK")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (4,'d')")
        try await db.writeMarker()

        let changes = try await db.changes(from: start)
        #expect(changes.map(\.operation) == [.insert, .insert, .insert, .update, .update, .delete, .insert])
        #expect(changes.map { $0.json(\.after)["v"] ?? $0.json(\.before)["v"] ?? "" }
            == [#""a""#, #""b""#, #""c""#, #""x""#, #""x""#, #""c""#, #""d""#])
        #expect(!changes.contains { $0.json(\.after)["v"] == #""rolled back""# })
        // One transaction: one GTID; the multi-row insert and the later one are separate transactions.
        #expect(changes[3].position.gtid == changes[5].position.gtid)
        #expect(changes[0].position.gtid != changes[3].position.gtid)
        #expect(changes.allSatisfy { $0.position.gtid?.hasPrefix("0-1-") == true })
    }

    @Test func aRowOverSixteenMegabytes() async throws {
        let db = try await ScratchDatabase.create("big")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, b LONGBLOB, s LONGTEXT)")
        let start = try await db.binlogEnd()
        // 17 MB + 1 MB: the event spans several 16 MB packets.
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1, REPEAT('x', 17 * 1024 * 1024), REPEAT('é', 512 * 1024))")
        try await db.writeMarker()
        let changes = try await db.changes(from: start)
        #expect(changes.count == 1)
        guard case let .bytes(bytes)? = changes.first?.after?[1] else {
            Issue.record("column b is not bytes: \(String(describing: changes.first?.after?[1]))")
            return
        }
        #expect(bytes.count == 17 * 1024 * 1024)
        #expect(bytes.allSatisfy { $0 == UInt8(ascii: "x") })
        #expect(changes.first?.after?[2] == .string(String(repeating: "é", count: 512 * 1024)))
    }

    @Test func moreThan250Columns() async throws {
        let db = try await ScratchDatabase.create("wide")
        defer { Task { try? await db.drop() } }
        let columns = (1...300).map { "c\($0) INT" }.joined(separator: ", ")
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, \(columns))")
        let start = try await db.binlogEnd()
        let values = (1...300).map { String($0 * 3) }.joined(separator: ", ")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (0, \(values))")
        try await db.execute("UPDATE `\(db.name)`.t SET c300 = -1 WHERE id = 0")
        try await db.writeMarker()
        let changes = try await db.changes(from: start)
        #expect(changes.count == 2)
        #expect(changes[0].columns.count == 301)
        #expect(changes[0].json(\.after)["c256"] == "768")
        #expect(changes[1].json(\.before)["c300"] == "900")
        #expect(changes[1].json(\.after)["c300"] == "-1")
    }

    @Test func largeJSONAndEmoji() async throws {
        let db = try await ScratchDatabase.create("json")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, doc JSON, name VARCHAR(50)) DEFAULT CHARSET=utf8mb4")
        let start = try await db.binlogEnd()
        let items = (0..<4000).map { #"{"n":\#($0),"tag":"🐟 item \#($0)"}"# }.joined(separator: ",")
        let document = #"{"items":[\#(items)]}"#
        #expect(document.utf8.count > 65_536)
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1, '\(document)', '👩‍👩‍👧 family')")
        try await db.writeMarker()
        let changes = try await db.changes(from: start)
        #expect(changes.count == 1)
        #expect(changes.first?.json(\.after)["doc"] == document)
        #expect(changes.first?.json(\.after)["name"] == #""👩‍👩‍👧 family""#)
    }
}
