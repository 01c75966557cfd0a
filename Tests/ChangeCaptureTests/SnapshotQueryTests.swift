import Binlog
@testable import ChangeCapture
import Testing

@Suite struct SnapshotQueryTests {
    func column(_ name: String, _ dataType: String, _ columnType: String? = nil, fsp: Int? = nil) -> InformationSchemaColumn {
        InformationSchemaColumn(
            name: name, dataType: dataType, columnType: columnType ?? dataType, isJSON: false, fractionalSecondDigits: fsp)
    }

    var orders: SnapshotQuery {
        get throws {
            try SnapshotQuery(
                database: "shop", table: "orders",
                columns: [column("id", "int", "int(11)"), column("name", "varchar"), column("price", "decimal", "decimal(10,2)"), column("f", "float")],
                primaryKey: ["id"])
        }
    }

    @Test func singleKeyStatements() throws {
        let query = try orders
        #expect(try query.statement(after: nil, limit: 1000)
            == "SELECT `id`, `name`, `price`, CAST(`f` AS DOUBLE) FROM `shop`.`orders` ORDER BY `id` LIMIT 1000")
        #expect(try query.statement(after: ["-7"], limit: 10)
            == "SELECT `id`, `name`, `price`, CAST(`f` AS DOUBLE) FROM `shop`.`orders` WHERE `id` > -7 ORDER BY `id` LIMIT 10")
        #expect(query.keyColumns == [0])
        #expect(query.columnNames.names == ["id", "name", "price", "f"])
    }

    @Test func rowsByKey() throws {
        let query = try orders
        #expect(try query.statement(keys: ["3", "-7"])
            == "SELECT `id`, `name`, `price`, CAST(`f` AS DOUBLE) FROM `shop`.`orders` WHERE `id` IN (3,-7) ORDER BY `id`")
        // A key that is not the column's printed form is refused, not quoted into the statement.
        #expect(throws: SnapshotError.self) { try query.statement(keys: ["3", "x"]) }
        #expect(throws: SnapshotError.self) { try query.statement(keys: []) }
    }

    @Test func compositeKeysQuoteNamesAndTypeTheirLiterals() throws {
        let query = try SnapshotQuery(
            database: "my`db", table: "t`1",
            columns: [
                column("a`b", "bigint", "bigint(20) unsigned"), column("name", "varchar"), column("raw", "varbinary"),
                column("at", "timestamp", "timestamp(3)", fsp: 3), column("amount", "decimal", "decimal(10,3)"),
                column("ratio", "double"), column("day", "date"), column("kind", "enum", "enum('x','y')"),
            ],
            primaryKey: ["a`b", "name", "raw", "at", "amount", "ratio", "day", "kind"])
        let statement = try query.statement(
            after: ["18446744073709551615", "it's \\ é", "FF00", "2147483647.999", "-12.340", "0.1", "2024-02-29", "2"], limit: 1000)
        let a = "`a``b` = 18446744073709551615"
        let name = "`name` = _utf8mb4 X'69742773205C20C3A9'"
        let raw = "`raw` = X'FF00'"
        let at = "`at` = FROM_UNIXTIME(2147483647.999)"
        let amount = "`amount` = -12.340"
        let ratio = "`ratio` = 0.1e0"
        let day = "`day` = '2024-02-29'"
        let condition = [
            "(`a``b` > 18446744073709551615)",
            "(\(a) AND `name` > _utf8mb4 X'69742773205C20C3A9')",
            "(\(a) AND \(name) AND `raw` > X'FF00')",
            "(\(a) AND \(name) AND \(raw) AND `at` > FROM_UNIXTIME(2147483647.999))",
            "(\(a) AND \(name) AND \(raw) AND \(at) AND `amount` > -12.340)",
            "(\(a) AND \(name) AND \(raw) AND \(at) AND \(amount) AND `ratio` > 0.1e0)",
            "(\(a) AND \(name) AND \(raw) AND \(at) AND \(amount) AND \(ratio) AND `day` > '2024-02-29')",
            "(\(a) AND \(name) AND \(raw) AND \(at) AND \(amount) AND \(ratio) AND \(day) AND `kind` > 2)",
        ].joined(separator: " OR ")
        #expect(statement == """
            SELECT `a``b`, `name`, HEX(`raw`), UNIX_TIMESTAMP(`at`), `amount`, CAST(`ratio` AS DOUBLE), `day`, `kind` + 0 \
            FROM `my``db`.`t``1` WHERE \(condition) \
            ORDER BY `a``b`, `name`, `raw`, `at`, `amount`, `ratio`, `day`, `kind` LIMIT 1000
            """)
    }

    @Test func keyCellsThatAreNotTheColumnsAreRefused() throws {
        let query = try orders
        #expect(throws: SnapshotError("`shop`.`orders` column `id` (int(11)): cannot read '1 OR 1=1' from `id`")) {
            try query.statement(after: ["1 OR 1=1"], limit: 10)
        }
        #expect(throws: SnapshotError.self) { try query.statement(after: ["1", "2"], limit: 10) }
    }

    @Test func tablesItCannotRead() {
        #expect(throws: SnapshotError("`shop`.`t` has no primary key: the snapshot reads a table in key order")) {
            try SnapshotQuery(database: "shop", table: "t", columns: [column("id", "int")], primaryKey: [])
        }
        #expect(throws: SnapshotError("`shop`.`t` key column `g` has type geometry, which the snapshot cannot resume from")) {
            try SnapshotQuery(database: "shop", table: "t", columns: [column("g", "geometry")], primaryKey: ["g"])
        }
        #expect(throws: SnapshotError("`shop`.`t` column `u` has type uuid, which the snapshot cannot read")) {
            try SnapshotQuery(database: "shop", table: "t", columns: [column("u", "uuid")], primaryKey: ["u"])
        }
        #expect(throws: SnapshotError.self) {
            try SnapshotQuery(database: "shop", table: "t", columns: [column("id", "int")], primaryKey: ["missing"])
        }
    }

    @Test func chunksCarryTheLastKeyAndWhetherTheTableEnded() throws {
        let query = try orders
        let full = try query.chunk([["1", "a", "1.50", "1.5"], ["2", nil, nil, nil]], limit: 2)
        #expect(full.rows == [
            [.int(1), .string("a"), .decimal("1.50"), .float(1.5)],
            [.int(2), .null, .null, .null],
        ])
        #expect(full.lastKey == ["2"])
        #expect(!full.isLast)

        let short = try query.chunk([["3", "c", "0.00", "0"]], limit: 2)
        #expect(short.lastKey == ["3"])
        #expect(short.isLast)

        let empty = try query.chunk([], limit: 2)
        #expect(empty.rows.isEmpty && empty.lastKey == nil && empty.isLast)
    }

    @Test func malformedCellsNameTableColumnAndValue() throws {
        let query = try orders
        #expect(throws: SnapshotError("`shop`.`orders` column `price` (decimal(10,2)): cannot read '1.2.3' from `price`")) {
            try query.values(of: ["1", "a", "1.2.3", "1.5"])
        }
        #expect(throws: SnapshotError("`shop`.`orders`: the server sent 2 cells for 4 columns")) {
            try query.values(of: ["1", "a"])
        }
        #expect(throws: SnapshotError("`shop`.`orders` key column `id` is NULL")) {
            try query.chunk([[nil, "a", "1.50", "1.5"]], limit: 2)
        }
    }
}
