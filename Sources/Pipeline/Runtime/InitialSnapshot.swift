import Binlog
import ChangeCapture
import Logging
import MySQLProtocol
import Positions

/// `start: snapshot`: copies the selected tables' rows, then hands over to the binlog at the exact
/// position the copy saw, so nothing is missed or doubled.
///
/// The position is taken without locks on MariaDB (`START TRANSACTION WITH CONSISTENT SNAPSHOT` and
/// `binlog_snapshot_file`/`_position`), and under a global read lock held only for that statement on
/// MySQL. Rows are read in primary-key chunks inside that transaction and written with the version of
/// the snapshot's position, so any change streamed afterwards wins.
///
/// Progress is saved with each acknowledged chunk. A restart resumes after the last saved key, in a
/// new transaction that may see newer rows; those are written with the old snapshot version, and the
/// binlog, replayed from the snapshot's position with newer versions, brings each row to its final value.
public struct InitialSnapshot: Sendable {
    let configuration: SluiceConfiguration
    let logger: Logger

    public init(configuration: SluiceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the snapshot transaction and returns the progress to save before copying: the binlog
    /// position it sees, and the tables to copy.
    public func begin(on connection: MySQLConnection) async throws -> SnapshotProgress {
        let position: ReplicationPosition
        if connection.isMariaDB {
            _ = try await connection.query("START TRANSACTION WITH CONSISTENT SNAPSHOT")
            position = try await snapshotPosition(on: connection)
        } else {
            _ = try await connection.query("FLUSH TABLES WITH READ LOCK")
            do {
                _ = try await connection.query("START TRANSACTION WITH CONSISTENT SNAPSHOT")
                position = try await PositionResolver(url: configuration.source.url, logger: logger).resolve(.latest, on: connection)
                _ = try await connection.query("UNLOCK TABLES")
            } catch {
                _ = try? await connection.query("UNLOCK TABLES")
                throw error
            }
        }
        let tables = try await selectedTables(on: connection)
        logger.info("snapshot started", metadata: ["position": "\(position)", "tables": "\(tables)"])
        return SnapshotProgress(binlogFile: position.file, binlogOffset: position.offset, gtidSet: position.gtidSet, tables: tables)
    }

    /// Copies what `progress` has left, pushing each chunk through `producer` with a checkpoint that
    /// records the progress once the chunk is acknowledged. Returns the binlog position to stream from.
    func copy(_ progress: SnapshotProgress, on connection: MySQLConnection, into producer: inout ChangeProducer<Checkpoint>) async throws -> ReplicationPosition {
        var progress = progress
        let position = ReplicationPosition(file: progress.binlogFile, offset: progress.binlogOffset, gtidSet: progress.gtidSet)
        let version = DocumentVersion.snapshot(at: position, isMariaDB: connection.isMariaDB)
        let chunkSize = configuration.snapshot.chunkSize
        let metrics = producer.metrics
        metrics.snapshotBegan(tables: progress.tables, completed: progress.completed)
        for name in progress.tables where !progress.completed.contains(name) {
            let (database, table) = Self.split(name)
            let query = try await SnapshotQuery.load(database: database, table: table, isMariaDB: connection.isMariaDB, from: connection)
            if let estimate = try? await InformationSchema.estimatedRows(database: database, table: table, from: connection) {
                metrics.snapshotEstimate(table: name, rows: estimate)
            }
            var key = progress.current == name ? progress.lastKey : nil
            var copied = 0
            while true {
                try Task.checkCancellation()
                let chunk = try await query.readChunk(after: key, limit: chunkSize, from: connection)
                let changes = Self.changes(chunk, of: query, at: position, version: version)
                key = chunk.lastKey ?? key
                copied += changes.count
                if chunk.isLast {
                    progress.completed.append(name)
                    progress.current = nil
                    progress.lastKey = nil
                } else {
                    progress.current = name
                    progress.lastKey = key
                }
                try await producer.enqueue(changes, commit: Checkpoint(position: position, timestamp: 0, snapshot: progress))
                metrics.snapshotCopied(table: name, rows: changes.count, tableDone: chunk.isLast)
                if chunk.isLast { break }
            }
            logger.info("snapshot copied a table", metadata: ["table": "\(name)", "rows": "\(copied)", "done": "\(progress.completed.count)/\(progress.tables.count)"])
        }
        _ = try? await connection.query("COMMIT")
        // The snapshot is over once this is acknowledged: the saved position no longer carries it.
        try await producer.enqueue([], commit: Checkpoint(position: position, timestamp: 0, snapshot: nil))
        metrics.snapshotFinished()
        return position
    }

    /// Refuses a selected table without an id before anything is written, asking the first server of
    /// `source.urls` that answers (they share the schema).
    func refuseTablesWithoutID() async throws {
        let connection = try await configuration.source.connectToAnyServer(logger: logger)
        do {
            _ = try await selectedTables(on: connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The selected tables, as `db.table`; each must have a primary key or a rule naming its id.
    public func selectedTables(on connection: MySQLConnection) async throws -> [String] {
        try await selectedTableKeys(on: connection).map { table in
            if !table.hasID {
                throw PipelineError(
                    "\(table.name) has no primary key, so its documents would have no stable id: add one, "
                        + "name its key columns in a rule (rules: [{table: \(table.name), id: [...]}]), or exclude the table"
                )
            }
            return table.name
        }
    }

    /// Every selected table, as `db.table`, and whether its documents have an id: a primary key, or
    /// a rule naming the id columns.
    public func selectedTableKeys(on connection: MySQLConnection) async throws -> [(name: String, hasID: Bool)] {
        let rows = try await connection.query("""
            SELECT t.TABLE_SCHEMA, t.TABLE_NAME, COUNT(k.COLUMN_NAME) FROM information_schema.TABLES t \
            LEFT JOIN information_schema.KEY_COLUMN_USAGE k ON k.TABLE_SCHEMA = t.TABLE_SCHEMA \
            AND k.TABLE_NAME = t.TABLE_NAME AND k.CONSTRAINT_NAME = 'PRIMARY' \
            WHERE t.TABLE_TYPE = 'BASE TABLE' \
            AND t.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') \
            GROUP BY t.TABLE_SCHEMA, t.TABLE_NAME ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME
            """).rows
        return rows.compactMap { row in
            guard let database = row[0], let table = row[1], configuration.source.filter.selects(database: database, table: table) else { return nil }
            return ("\(database).\(table)", row[2] != "0" || configuration.rule(for: database, table: table)?.idColumns != nil)
        }
    }

    /// MariaDB: the binlog position that the consistent-snapshot transaction open on `connection`
    /// sees, exactly, without a lock.
    func snapshotPosition(on connection: MySQLConnection) async throws -> ReplicationPosition {
        let status = try await connection.query("SHOW STATUS LIKE 'binlog_snapshot_%'").rows
        let value = { (name: String) in status.first { $0.first == name }?.last ?? nil }
        guard let file = value("Binlog_snapshot_file"), let offset = value("Binlog_snapshot_position").flatMap(UInt64.init) else {
            throw PipelineError("the source did not report binlog_snapshot_file/position: is log_bin on?")
        }
        return try await PositionResolver(url: configuration.source.url, logger: logger)
            .resolve(.filePosition(file: file, position: offset), on: connection)
    }

    /// A chunk's rows as inserts at the snapshot's position and version.
    public static func changes(_ chunk: SnapshotChunk, of query: SnapshotQuery, at position: ReplicationPosition, version: UInt64) -> [RowChange] {
        chunk.rows.map { row in
            RowChange(
                operation: .insert, layout: query.layout, before: nil, after: row,
                position: ChangePosition(file: position.file, offset: position.offset, gtid: nil, version: version), timestamp: 0
            )
        }
    }

    /// `db.table` as its two parts.
    public static func split(_ name: String) -> (String, String) {
        let parts = name.split(separator: ".", maxSplits: 1)
        return (String(parts.first ?? ""), String(parts.dropFirst().first ?? ""))
    }
}
