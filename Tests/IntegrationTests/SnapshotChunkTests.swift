import Binlog
import ChangeCapture
import Foundation
import NIOCore
import Testing

/// The snapshot reader against the real server: a copied row must render to the same JSON as the
/// binlog's insert of that row, and chunks must cover a table exactly once, in key order.
@Suite struct SnapshotChunkTests {
    @Test func everyTypeRendersAsTheBinlogDoes() async throws {
        let db = try await ScratchDatabase.create("snaptypes")
        defer { Task { try? await db.drop() } }
        try await EveryTypeTable.create(in: db)
        let start = try await db.binlogEnd()
        try await db.execute("SET time_zone = '+00:00'")
        try await EveryTypeTable.insertEdgeRow(in: db)
        try await db.execute("INSERT INTO `\(db.name)`.t (id) VALUES (2)")
        try await db.execute("""
            INSERT INTO `\(db.name)`.t (id, f, d, f74, d102, bi, bu, dec1, dec2, c, vc, bin, bl, st, bt, js, tm, tm3, tm6)
            VALUES (3, 0.1234567, 0.1e0 + 0.2e0, -0.0001, -99999999.99, 0, 0, 0, 0.000000000000000000000000000001,
                    '', '', X'00', X'', '', 0, '[]', '00:00:00', '-00:00:00.001', '838:59:59.999999'),
                   (4, -3.4028234e38, 1e-300, 0, 0, -1, 1, -0.001, -0.5, ' ', '\\\\ \\' "', X'FFFFFFFF', X'00FF', 'a,b,c,d', 1,
                    '{"a":"\\\\u00e9"}', '-00:00:01', '00:00:00.999', '-838:59:59.000000'),
                   (5, 1e-45, -2.2250738585072014e-308, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                   (6, -0e0, -0e0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            """)
        // Zero and partly zero dates, the zero YEAR and TIMESTAMP, and an invalid ENUM value.
        try await db.execute("SET SESSION sql_mode = ''")
        try await db.execute("""
            INSERT INTO `\(db.name)`.t (id, dt, dtm, dtm6, ts, y, e, ts0, dtm2, mixed)
            VALUES (7, '0000-00-00', '2024-05-00 10:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0, 'nope',
                    '0000-00-00 00:00:00', '2024-00-10 00:00:00', 'nope')
            """)
        try await db.writeMarker()
        let changes = try await db.changes(from: start)

        let query = try await SnapshotQuery.load(database: db.name, table: "t", isMariaDB: db.connection.isMariaDB, from: db.connection)
        let chunk = try await query.readChunk(after: nil, limit: 100, from: db.connection)
        #expect(chunk.isLast)
        #expect(chunk.lastKey == ["7"])
        #expect(chunk.rows.count == changes.count)
        #expect(query.columnNames.names == changes.first?.columns.names)
        for (change, row) in zip(changes, chunk.rows) {
            let binlog = change.json(\.after)
            for (index, name) in query.columnNames.names.enumerated() {
                #expect(Self.json(row[index]) == binlog[name], "row \(binlog["id"] ?? "?") column \(name)")
            }
        }
    }

    @Test func chunksCoverACompositeKeyOnceInOrder() async throws {
        let db = try await ScratchDatabase.create("snapchunks")
        defer { Task { try? await db.drop() } }
        try await db.execute("""
            CREATE TABLE `\(db.name)`.`ch``unks` (
              a INT, `b name` VARCHAR(20), f FLOAT, d DOUBLE, PRIMARY KEY (a, `b name`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """)
        let start = try await db.binlogEnd()
        // Random bit patterns cover every exponent, subnormals included.
        var generator = SystemRandomNumberGenerator()
        let keys = (1...2500).map { (a: $0 % 7 - 3, b: "it's \\ \($0)") }
        for batch in stride(from: 0, to: keys.count, by: 500) {
            let values = keys[batch..<batch + 500].map { key in
                let float = Self.finite { Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator)) }
                let double = Self.finite { Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)) }
                let b = key.b.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
                // The float as its exact double: its shortest text can round past FLT_MAX.
                return "(\(key.a), '\(b)', \(Self.literal(Double(float))), \(Self.literal(double)))"
            }
            try await db.execute("INSERT INTO `\(db.name)`.`ch``unks` VALUES \(values.joined(separator: ","))")
        }
        try await db.writeMarker()
        let changes = try await db.changes(from: start)
        #expect(changes.count == keys.count)

        let query = try await SnapshotQuery.load(database: db.name, table: "ch`unks", isMariaDB: db.connection.isMariaDB, from: db.connection)
        #expect(query.keyColumns == [0, 1])
        var rows: [[ColumnValue?]] = []
        var chunkSizes: [Int] = []
        var key: [String]? = nil
        while true {
            let chunk = try await query.readChunk(after: key, limit: 1000, from: db.connection)
            rows += chunk.rows
            chunkSizes.append(chunk.rows.count)
            if chunk.isLast { break }
            key = chunk.lastKey
        }
        #expect(chunkSizes == [1000, 1000, 500])
        // The collation orders these ASCII names as their bytes.
        let sortedKeys = keys.sorted { $0.a != $1.a ? $0.a < $1.a : $0.b.utf8.lexicographicallyPrecedes($1.b.utf8) }
        #expect(rows.map { [Self.json($0[0]), Self.json($0[1])] } == sortedKeys.map { ["\($0.a)", Self.jsonString($0.b)] })

        var binlog: [String: [String: String]] = [:]
        for change in changes {
            let after = change.json(\.after)
            binlog["\(after["a"] ?? "")/\(after["b name"] ?? "")"] = after
        }
        for row in rows {
            let after = binlog["\(Self.json(row[0]))/\(Self.json(row[1]))"]
            #expect(Self.json(row[2]) == after?["f"])
            #expect(Self.json(row[3]) == after?["d"])
        }
    }

    /// MariaDB counts GEOMETRY among the character columns of a TABLE_MAP's charset metadata (its
    /// charset is binary); the binlog decoder follows MySQL, which does not, so text after a
    /// GEOMETRY column takes the next column's charset. The snapshot reads it right.
    @Test func textAfterAGeometryColumn() async throws {
        let db = try await ScratchDatabase.create("snapgeom")
        defer { Task { try? await db.drop() } }
        try await db.execute("""
            CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, g GEOMETRY, u VARCHAR(5) CHARACTER SET utf8mb3, l VARCHAR(5) CHARACTER SET latin1)
            DEFAULT CHARSET=utf8mb4
            """)
        let start = try await db.binlogEnd()
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1, NULL, 'ü', 'é')")
        try await db.writeMarker()
        let changes = try await db.changes(from: start)
        let query = try await SnapshotQuery.load(database: db.name, table: "t", isMariaDB: db.connection.isMariaDB, from: db.connection)
        let row = try #require(try await query.readChunk(after: nil, limit: 10, from: db.connection).rows.first)
        #expect(Self.json(row[2]) == #""ü""#)
        #expect(Self.json(row[3]) == #""é""#)
        // The server gives GEOMETRY a charset entry too; the columns after it keep their own.
        let binlog = try #require(changes.first).json(\.after)
        #expect(binlog["u"] == #""ü""#)
        #expect(binlog["l"] == #""é""#)
    }

    /// Each kind of key literal resumes where ORDER BY left off: small chunks read the rows a
    /// single read does, in the same order, even from a session in another time zone.
    @Test func everyKeyLiteralResumesInOrder() async throws {
        let db = try await ScratchDatabase.create("snapkeys")
        defer { Task { try? await db.drop() } }
        try await db.execute("""
            CREATE TABLE `\(db.name)`.t (
              ts TIMESTAMP(3) NOT NULL, e ENUM('z','a','m') NOT NULL, bin VARBINARY(4) NOT NULL, dec1 DECIMAL(6,2) NOT NULL,
              d DOUBLE NOT NULL, bu BIGINT UNSIGNED NOT NULL, s VARCHAR(5) CHARACTER SET latin1 NOT NULL, tm TIME NOT NULL,
              PRIMARY KEY (ts, e, bin, dec1, d, bu, s, tm)
            ) ENGINE=InnoDB
            """)
        let choices = [
            ["'2024-03-31 01:30:00.5'", "'2024-10-27 00:30:00'", "'2024-10-27 01:30:00.001'"],
            ["'z'", "'a'", "'m'"], ["X'00'", "X'FF'", "X'7F00'"], ["-1.50", "0.00", "2.25"],
            ["-0.5e0", "1e-300", "3e0"], ["0", "9223372036854775808", "18446744073709551615"],
            ["'a'", "'b'''", "'c\\\\'"], ["'-01:00:00'", "'00:00:00'", "'100:00:00'"],
        ]
        var tuples = Set<[Int]>()
        while tuples.count < 150 { tuples.insert(choices.map { _ in Int.random(in: 0..<3) }) }
        let values = tuples.map { tuple in "(" + tuple.enumerated().map { choices[$0][$1] }.joined(separator: ", ") + ")" }
        try await db.execute("SET time_zone = '+00:00'")
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES \(values.joined(separator: ", "))")
        // Another zone on the reading session: readChunk compares TIMESTAMP keys in UTC. (The
        // server here has no named zones, so no daylight-saving hour repeats to prove why.)
        try await db.execute("SET time_zone = '+05:00'")

        let query = try await SnapshotQuery.load(database: db.name, table: "t", isMariaDB: db.connection.isMariaDB, from: db.connection)
        let whole = try await query.readChunk(after: nil, limit: 1000, from: db.connection)
        #expect(whole.rows.count == 150)
        var rows: [[ColumnValue?]] = []
        var key: [String]? = nil
        while true {
            let chunk = try await query.readChunk(after: key, limit: 7, from: db.connection)
            rows += chunk.rows
            if chunk.isLast { break }
            key = chunk.lastKey
        }
        #expect(rows.map { $0.map(Self.json) } == whole.rows.map { $0.map(Self.json) })
    }

    static func json(_ value: ColumnValue?) -> String {
        var buffer = ByteBuffer()
        (value ?? .null).writeJSON(into: &buffer)
        return String(buffer: buffer)
    }

    /// A DOUBLE literal, not an exact DECIMAL one.
    static func literal(_ value: Double) -> String {
        let text = "\(value)"
        return text.contains("e") ? text : text + "e0"
    }

    static func jsonString(_ text: String) -> String { json(.string(text)) }

    static func finite<F: BinaryFloatingPoint>(_ make: () -> F) -> F {
        while true {
            let value = make()
            if value.isFinite { return value }
        }
    }
}
