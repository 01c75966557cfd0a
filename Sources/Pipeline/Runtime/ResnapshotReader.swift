import ChangeCapture
import Logging
import MySQLProtocol

/// Reads the chunks of an online re-snapshot on a connection of its own, without locks, each with
/// the high watermark that `OnlineResnapshot` waits for.
struct ResnapshotReader {
    let configuration: SluiceConfiguration
    let logger: Logger
    private var connection: MySQLConnection?
    private var queries: [String: SnapshotQuery] = [:]

    /// A chunk's rows as changes at the high watermark's version.
    struct Chunk {
        var changes: [RowChange]
        var high: ReplicationPosition
        /// The chunk's last key; nil when it ends the table.
        var lastKey: [String]?
    }

    init(configuration: SluiceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Reads the rows of `table` (`db.table`) after `key`. The caller notes the stream's changes
    /// from before this call, which serves as the low watermark.
    mutating func read(_ table: String, after key: [String]?) async throws -> Chunk {
        let connection = try await open()
        let snapshot = InitialSnapshot(configuration: configuration, logger: logger)
        let query = try await query(for: table, on: connection)
        let limit = configuration.snapshot.chunkSize
        let high: ReplicationPosition
        let rows: SnapshotChunk
        if connection.isMariaDB {
            // The transaction sees exactly the binlog up to the position it reports: both watermarks.
            _ = try await connection.query("START TRANSACTION WITH CONSISTENT SNAPSHOT")
            high = try await snapshot.snapshotPosition(on: connection)
            rows = try await query.readChunk(after: key, limit: limit, from: connection)
            _ = try await connection.query("COMMIT")
        } else {
            rows = try await query.readChunk(after: key, limit: limit, from: connection)
            high = try await PositionResolver(url: configuration.source.url, logger: logger).resolve(.latest, on: connection)
        }
        if rows.isLast {
            // Read the schema afresh if the table is copied again later.
            queries[table] = nil
            logger.info("re-snapshot copied a table", metadata: ["table": "\(table)"])
        }
        let version = DocumentVersion.snapshot(at: high, isMariaDB: connection.isMariaDB)
        return Chunk(
            changes: InitialSnapshot.changes(rows, of: query, at: high, version: version), high: high,
            lastKey: rows.isLast ? nil : rows.lastKey ?? key
        )
    }

    func close() {
        guard let connection else { return }
        Task { try? await connection.close() }
    }

    private mutating func open() async throws -> MySQLConnection {
        if let connection { return connection }
        let opened = try await MySQLConnection.connect(configuration.source.url.connectionConfiguration, logger: logger)
        connection = opened
        return opened
    }

    private mutating func query(for table: String, on connection: MySQLConnection) async throws -> SnapshotQuery {
        if let query = queries[table] { return query }
        let (database, name) = InitialSnapshot.split(table)
        let query = try await SnapshotQuery.load(database: database, table: name, isMariaDB: connection.isMariaDB, from: connection)
        queries[table] = query
        return query
    }
}
