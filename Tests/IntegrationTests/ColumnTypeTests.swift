import ChangeCapture
import Testing

/// Every column type through the real MariaDB binlog, checked against DESIGN.md's value mapping.
@Suite struct ColumnTypeTests {
    @Test func everyTypeInsertedUpdatedAndDeleted() async throws {
        let db = try await ScratchDatabase.create("types")
        defer { Task { try? await db.drop() } }
        try await EveryTypeTable.create(in: db)
        let start = try await db.binlogEnd()
        try await db.execute("SET time_zone = '+00:00'")
        try await EveryTypeTable.insertEdgeRow(in: db)
        try await db.execute("INSERT INTO `\(db.name)`.t (id) VALUES (2)")
        try await db.execute("UPDATE `\(db.name)`.t SET vc = 'updated', e = 'large', tu = 0 WHERE id = 1")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 2")
        try await db.writeMarker()
        let changes = try await db.changes(from: start)

        #expect(changes.map(\.operation) == [.insert, .insert, .update, .delete])
        let row = changes[0].json(\.after)
        let expected: [String: String] = [
            "id": "1", "ti": "-128", "tu": "255", "si": "-32768", "su": "65535", "mi": "-8388608", "mu": "16777215",
            "i": "-2147483648", "iu": "4294967295", "bi": "-9223372036854775808", "bu": "18446744073709551615",
            "f": "1.5", "d": "0.1", "dec1": "-12.340",
            "dec2": "-12345678901234567890123456789012345.123456789012345678901234567890",
            "dt": #""2024-02-29""#, "dtm": #""1999-12-31T23:59:59""#, "dtm6": #""2024-02-29T23:59:59.123456""#,
            "ts": #""2038-01-19T03:14:07.999Z""#, "tm": #""-838:59:59""#, "tm3": #""100:00:00.500""#, "y": "2155",
            "c": #""abc""#, "vc": #""héllo wörld 😀""#, "tx": #""long text""#, "l1": #""café""#,
            "bin": #""AQIDAA==""#, "vb": #""/wA=""#, "bl": #""3q2+7w==""#,
            "e": #""medium""#, "st": #"["a","c"]"#, "bt": "513",
            // MariaDB keeps JSON as the text it was given: embedded verbatim.
            "js": #"{"k": [1, 2.5, "x", null, true], "n": {"z": 1}}"#,
            "g": #"{"type":"Point","coordinates":[1.5,-2.0]}"#,
        ]
        for (column, value) in expected {
            #expect(row[column] == value, "column \(column)")
        }
        #expect(changes[0].key?.map(\.name) == ["id"])

        let nulls = changes[1].json(\.after)
        #expect(nulls["id"] == "2")
        #expect(nulls.filter { $0.key != "id" }.values.allSatisfy { $0 == "null" })

        let update = changes[2]
        #expect(update.json(\.before)["vc"] == #""héllo wörld 😀""#)
        #expect(update.json(\.after)["vc"] == #""updated""#)
        #expect(update.json(\.after)["e"] == #""large""#)
        #expect(update.json(\.after)["tu"] == "0")
        #expect(changes[3].json(\.before)["id"] == "2")
        #expect(changes[3].after == nil)
    }

    @Test func zeroDatesAreNull() async throws {
        let db = try await ScratchDatabase.create("zero")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, d DATE, dt DATETIME)")
        let start = try await db.binlogEnd()
        try await db.execute("SET SESSION sql_mode = ''")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-00-10', '2024-05-00 10:00:00')")
        try await db.writeMarker()
        let changes = try await db.changes(from: start)
        #expect(changes.count == 2)
        for change in changes {
            #expect(change.json(\.after)["d"] == "null")
            #expect(change.json(\.after)["dt"] == "null")
        }
    }
}
