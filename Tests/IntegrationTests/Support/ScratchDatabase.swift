import Binlog
import ChangeCapture
import Foundation
import MySQLProtocol
import NIOCore

/// A database of its own for one test, on the primary (or another server), so tests can run side by
/// side: each reads only its own database's changes from the shared binlog.
struct ScratchDatabase {
    let name: String
    let connection: MySQLConnection

    static func create(_ label: String, on server: String = TestEnvironment.primaryURL) async throws -> ScratchDatabase {
        let connection = try await TestEnvironment.connect(server)
        let name = "sluice_test_\(label)_\(UInt32.random(in: 0...UInt32.max))"
        _ = try await connection.query("CREATE DATABASE `\(name)`")
        return ScratchDatabase(name: name, connection: connection)
    }

    @discardableResult
    func execute(_ sql: String) async throws -> MySQLQueryResult {
        try await connection.query(sql)
    }

    /// The primary's current end of binlog: changes after it are the test's.
    func binlogEnd() async throws -> StartPosition {
        let row = try await connection.query("SHOW MASTER STATUS").rows[0]
        return .filePosition(file: row[0]!, position: UInt64(row[1]!)!)
    }

    /// Drops the database and closes the connection.
    func drop() async throws {
        _ = try await connection.query("DROP DATABASE IF EXISTS `\(name)`")
        try await connection.close()
    }

    /// Reads this database's changes from `start` on `url` until a change to table `marker`
    /// arrives, and returns those before it. The marker makes the end certain without a timing:
    /// write it last, and every change written before it has been read.
    func changes(
        from start: StartPosition, url: String = TestEnvironment.primaryURL, until marker: String = "done",
        configure: (inout BinlogSourceConfiguration) -> Void = { _ in }
    ) async throws -> [RowChange] {
        var configuration = BinlogSourceConfiguration(
            url: try TestEnvironment.url(url),
            serverID: UInt32.random(in: 10_000...4_000_000_000),
            start: start,
            filter: try TableFilter(include: ["\(NSRegularExpression.escapedPattern(for: name))\\..*"])
        )
        configure(&configuration)
        let source = BinlogSource(configuration: configuration, logger: TestEnvironment.logger)
        var collected: [RowChange] = []
        for try await chunk in source.changes() {
            for change in chunk.changes {
                if change.table == marker { return collected }
                collected.append(change)
            }
        }
        return collected
    }

    /// `count` single-row changes to `table` (`id INT PRIMARY KEY, v VARCHAR(40), n INT`), numbered
    /// from `first`: inserts, then updates, then deletes of some of rows `1...rows`, and around again.
    func writeWorkload(_ table: String, count: Int, rows: Int = 100, from first: Int = 0) async throws {
        for statement in first..<(first + count) {
            let id = statement % rows + 1
            switch statement / rows % 3 {
            case 0: try await execute("INSERT INTO \(table) VALUES (\(id), 'i\(statement)', \(statement)) ON DUPLICATE KEY UPDATE v = 'u\(statement)', n = \(statement)")
            case 1: try await execute("UPDATE \(table) SET v = 'u\(statement)', n = \(statement) WHERE id = \(id)")
            default: if id % 3 == 0 { try await execute("DELETE FROM \(table) WHERE id = \(id)") }
            }
        }
    }

    /// Writes the marker that ends `changes(from:)`.
    func writeMarker(_ marker: String = "done") async throws {
        try await execute("CREATE TABLE IF NOT EXISTS `\(name)`.`\(marker)` (id INT PRIMARY KEY)")
        try await execute("INSERT INTO `\(name)`.`\(marker)` VALUES (1)")
    }
}

extension RowChange {
    /// The after (or before) image as JSON text per column, for compact assertions.
    func json(_ image: KeyPath<RowChange, [ColumnValue?]?>) -> [String: String] {
        var result: [String: String] = [:]
        for (index, value) in (self[keyPath: image] ?? []).enumerated() {
            guard let value else { continue }
            var buffer = ByteBuffer()
            value.writeJSON(into: &buffer)
            result[columns[index]] = String(buffer: buffer)
        }
        return result
    }
}
