import Binlog
import MySQLProtocol

/// The server variables that decide whether Sluice can read it, checked before streaming.
struct ServerSettings: Sendable {
    var checksum: BinlogChecksum
    var rowImage: String

    /// Reads and checks them; an unusable setting is an error naming the `my.cnf` line that fixes it.
    static func read(from connection: MySQLConnection, url: SourceURL) async throws -> ServerSettings {
        let server = "\(url.host):\(url.port)"
        let rows = try await connection.query(
            "SELECT @@global.log_bin, @@global.binlog_format, @@global.binlog_row_image, @@global.binlog_checksum"
        ).rows
        guard let row = rows.first, row.count == 4 else {
            throw SourceError("\(server) did not answer the binlog settings query")
        }
        guard row[0] == "1" else {
            throw SourceError("binary logging is off on \(server): add log_bin (and server_id) to its my.cnf under [mysqld] and restart it")
        }
        guard row[1]?.uppercased() == "ROW" else {
            throw SourceError(
                "binlog_format is \(row[1] ?? "unknown") on \(server); Sluice reads row events only: add binlog_format=ROW "
                    + "to its my.cnf and run SET GLOBAL binlog_format=ROW"
            )
        }
        return ServerSettings(checksum: row[3]?.uppercased() == "CRC32" ? .crc32 : .none, rowImage: row[2] ?? "")
    }
}
