import MySQLProtocol

/// A problem with the source server's setup or with the requested position, found while starting or
/// resuming. The message names the server and says what to do.
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Adds the remedy to a server error where one is known (missing privilege, purged binlog).
    static func explaining(_ error: MySQLServerError, doing what: String, user: String, server: String) -> SourceError {
        switch error.code {
        case 1227, 1044, 1142, 1143:
            // ER_SPECIFIC_ACCESS_DENIED_ERROR and friends: the server's message names the privilege.
            return SourceError(
                "\(server) refused \(what): \(error.message). Grant the privileges a replica needs, e.g. "
                    + "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO '\(user)'@'…' "
                    + "(MariaDB 10.5+: REPLICATION SLAVE, BINLOG MONITOR, SELECT)."
            )
        case 1236:
            // ER_MASTER_FATAL_ERROR_READING_BINLOG: typically the requested file or GTID is purged.
            return SourceError(
                "\(server) refused \(what): \(error.message). If that binlog was purged (or never existed), the "
                    + "changes in it cannot be read any more: move to a position the server still has with "
                    + "`sluice position set earliest|latest|FILE:POS` (for `sluice tail`, --from), or copy the tables "
                    + "again: `sluice resnapshot --all --from-latest` re-copies them while streaming, keeping the "
                    + "index in use; `sluice position reset` with start: snapshot takes a whole new snapshot."
            )
        default:
            return SourceError("\(server) refused \(what): \(error)")
        }
    }
}
