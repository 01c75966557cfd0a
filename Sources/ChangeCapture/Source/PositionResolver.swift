import Logging
import MySQLProtocol

/// Turns a start (`earliest`, `latest`, `FILE:POS`, `gtid:SET`) into a concrete position on a
/// server, with the GTID state there when the server can tell it, so document versions follow
/// GTIDs from the first change. A file that is not on the server is an error saying what to do.
public struct PositionResolver: Sendable {
    public var url: SourceURL
    public var logger: Logger

    public init(url: SourceURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Connects, resolves, and disconnects.
    public func resolve(_ start: StartPosition) async throws -> ReplicationPosition {
        let connection = try await MySQLConnection.connect(url.connectionConfiguration, logger: logger)
        defer { Task { try? await connection.close() } }
        return try await resolve(start, on: connection)
    }

    /// Resolves on an open connection (e.g. inside the snapshot's transaction).
    public func resolve(_ start: StartPosition, on connection: MySQLConnection) async throws -> ReplicationPosition {
        var position = try await locate(start, on: connection)
        if connection.isMariaDB, position.gtidSet == nil {
            let sql = "SELECT BINLOG_GTID_POS(\(InformationSchema.sqlLiteral(position.file)), \(position.offset))"
            position.gtidSet = (try await connection.query(sql).rows.first?.first ?? nil) ?? ""
        }
        return position
    }

    private var serverName: String { "\(url.host):\(url.port)" }

    private func locate(_ start: StartPosition, on connection: MySQLConnection) async throws -> ReplicationPosition {
        switch start {
        case .earliest:
            let files = try await binaryLogs(on: connection)
            guard let first = files.first else { throw SourceError("\(serverName) lists no binary logs (SHOW BINARY LOGS is empty)") }
            return ReplicationPosition(file: first, offset: 4)
        case .latest:
            return try await binlogEnd(on: connection)
        case let .filePosition(file, offset):
            let files = try await binaryLogs(on: connection)
            guard files.contains(file) else {
                throw SourceError(
                    "binlog file \(file) (start position \(file):\(offset)) is not on \(serverName); its binlogs are "
                        + "\(files.first ?? "?") … \(files.last ?? "?"). It was purged or never existed: start from "
                        + "earliest or latest instead, or take a new snapshot."
                )
            }
            return ReplicationPosition(file: file, offset: offset)
        case let .gtid(set):
            return ReplicationPosition(file: "", offset: 4, gtidSet: set)
        }
    }

    private func binaryLogs(on connection: MySQLConnection) async throws -> [String] {
        do {
            return try await connection.query("SHOW BINARY LOGS").rows.compactMap { $0.first ?? nil }
        } catch let MySQLError.server(error) {
            throw SourceError.explaining(error, doing: "SHOW BINARY LOGS", user: url.user, server: serverName)
        }
    }

    private func binlogEnd(on connection: MySQLConnection) async throws -> ReplicationPosition {
        var rows: [[String?]]
        do {
            rows = try await connection.query("SHOW MASTER STATUS").rows
        } catch let MySQLError.server(error) where error.code == 1064 {
            // MySQL 8.4 removed SHOW MASTER STATUS.
            rows = try await connection.query("SHOW BINARY LOG STATUS").rows
        } catch let MySQLError.server(error) {
            throw SourceError.explaining(error, doing: "SHOW MASTER STATUS", user: url.user, server: serverName)
        }
        guard let row = rows.first, row.count >= 2, let file = row[0], let offset = row[1].flatMap({ UInt64($0) }) else {
            throw SourceError("\(serverName) reports no binlog position (SHOW MASTER STATUS is empty): is log_bin on?")
        }
        // MySQL's fifth column is Executed_Gtid_Set; MariaDB has no such column.
        let executed = !connection.isMariaDB && row.count >= 5 ? row[4].flatMap { $0.isEmpty ? nil : $0 } : nil
        return ReplicationPosition(file: file, offset: offset, gtidSet: executed)
    }
}

extension SourceURL {
    /// The protocol client's settings for this URL.
    public var connectionConfiguration: MySQLConnectionConfiguration {
        let mode: MySQLConnectionConfiguration.TLSMode = switch tls {
        case .disabled: .disabled
        case .preferred: .preferred
        case .required: .required
        case .verifyCA: .verifyCA(caFile: caFile ?? "")
        }
        return MySQLConnectionConfiguration(host: host, port: port, username: user, password: password, tls: mode)
    }
}
