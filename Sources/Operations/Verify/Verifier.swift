import ChangeCapture
import Elasticsearch
import Logging
import MySQLProtocol
import Pipeline
import Positions

/// `sluice verify`: compares each selected table with its index while `sluice run` keeps running,
/// and with `repair` mends what differs.
///
/// Per table: the row count and the document count first; then every row, mapped to its document
/// as the sync maps it, against every document's `_source`, by checksums over id ranges narrowed
/// down to single ids (`RangeNarrowing`). The two sides are read at slightly different moments, so
/// ids that differ are checked again once the sync's saved position has passed the source position
/// seen when the difference was found (bounded by `settleTimeout`): a change in flight then has
/// landed, and only real differences remain.
///
/// Repair reads the differing rows inside a consistent snapshot together with its binlog position,
/// as the initial snapshot does, and writes them (or deletes the documents of rows that are gone)
/// with that position's document version: a change streamed after it has a higher version and
/// wins, an older one in flight gets a 409.
public struct Verifier: Sendable {
    public struct Options: Sendable {
        /// Only tables whose `db.table` wholly matches one of these; all selected tables when empty.
        public var tables: [String] = []
        public var repair = false
        /// Ids listed per kind of difference and table; the totals are always complete.
        public var sampleLimit = 20
        /// How long to wait for the sync to pass a position before checking a difference again.
        public var settleTimeout: Duration = .seconds(30)
        /// Rows per query on the source.
        public var chunkSize = 10_000
        /// Documents per page from the index.
        public var pageSize = 1000

        public init() {}
    }

    public let configuration: SluiceConfiguration
    public let options: Options
    public let logger: Logger

    public init(configuration: SluiceConfiguration, options: Options, logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
    }

    /// Compares (and repairs) every selected table.
    public func run() async throws -> VerifyReport {
        let filter = try TableFilter(include: options.tables)
        let client = try ElasticsearchClient(configuration: configuration.elasticsearch.clientConfiguration, logger: logger)
        let connection = try await MySQLConnection.connect(configuration.source.url.connectionConfiguration, logger: logger)
        do {
            var tables: [VerifyReport.Table] = []
            for (name, hasID) in try await InitialSnapshot(configuration: configuration, logger: logger).selectedTableKeys(on: connection) {
                let (database, table) = InitialSnapshot.split(name)
                guard filter.selects(database: database, table: table) else { continue }
                guard hasID else {
                    var report = VerifyReport.Table(table: name, index: "", sampleLimit: options.sampleLimit)
                    report.problem = "has no primary key: the sync cannot take it either (see sluice doctor)"
                    tables.append(report)
                    continue
                }
                do {
                    tables.append(try await verify(database: database, table: table, connection: connection, client: client))
                } catch let error as SnapshotError {
                    // A table verify cannot read (no primary key to page on, a column type the
                    // snapshot cannot read): reported, and the other tables verified.
                    var report = VerifyReport.Table(table: name, index: "", sampleLimit: options.sampleLimit)
                    report.problem = error.description
                    tables.append(report)
                }
            }
            try? await connection.close()
            try await client.shutdown()
            return VerifyReport(tables: tables)
        } catch {
            try? await connection.close()
            try? await client.shutdown()
            throw error
        }
    }

    private func verify(database: String, table: String, connection: MySQLConnection, client: ElasticsearchClient) async throws -> VerifyReport.Table {
        let reader = try await TableReader.load(
            database: database, table: table, rules: configuration.rules, chunkSize: options.chunkSize, on: connection
        )
        let index = IndexReader(client: client, index: reader.plan.index, pageSize: options.pageSize)
        var report = VerifyReport.Table(table: "\(database).\(table)", index: reader.plan.index, sampleLimit: options.sampleLimit)
        try await index.refresh()
        // Counts first: cheap, and what a person checks by hand.
        report.rows = (try await connection.query("SELECT COUNT(*) FROM \(reader.qualifiedName)").rows.first?.first ?? nil).flatMap { Int($0) } ?? 0
        report.documents = try await client.fieldTypes(index: index.index) != nil ? try await client.count(index: index.index) : 0
        logger.info("verifying", metadata: ["table": "\(report.table)", "index": "\(index.index)", "rows": "\(report.rows)", "documents": "\(report.documents)"])

        // Both sides at once: the source and the index are read in parallel.
        let clock = ContinuousClock()
        let start = clock.now
        async let tableSide = Self.timed { try await reader.digests(on: connection) }
        async let indexSide = Self.timed { try await index.digests() }
        let ((rows, tableTime), (documents, indexTime)) = (try await tableSide, try await indexSide)
        let compareStart = clock.now
        var found = RangeNarrowing(table: rows, index: documents)
        logger.info("compared", metadata: [
            "table": "\(report.table)", "rows": "\(rows.count)", "table side": "\(tableTime)", "documents": "\(documents.count)",
            "index side": "\(indexTime)", "narrowing": "\(compareStart.duration(to: clock.now))", "total": "\(start.duration(to: clock.now))",
            "differing": "\(found.ids.count)",
        ])
        report.rechecked = found.ids.count
        found = try await settle(found, reader: reader, index: index)

        if options.repair, !found.isEmpty {
            report.repaired = try await repair(found, reader: reader, index: index)
            found = try await settle(found, reader: reader, index: index)
        }
        report.missing = .init(found.missing, limit: options.sampleLimit)
        report.extra = .init(found.extra, limit: options.sampleLimit)
        report.different = .init(found.different, limit: options.sampleLimit)
        return report
    }

    private static func timed<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> (T, Duration) {
        let start = ContinuousClock.now
        let value = try await work()
        return (value, start.duration(to: .now))
    }

    /// Checks the differing ids again once the changes in flight when they were seen have landed
    /// (see `Settlement`); a missing document gets up to three rounds.
    private func settle(_ found: RangeNarrowing, reader: TableReader, index: IndexReader) async throws -> RangeNarrowing {
        var pending = found.ids
        var settled = RangeNarrowing(table: [], index: [])
        for round in 1...3 where !pending.isEmpty {
            let ids = Set(pending)
            let (position, version, rows) = try await withSnapshot { connection, position, version in
                (position, version, try await reader.digests(on: connection, only: ids))
            }
            try await waitForSync(past: position)
            try await index.refresh()
            let decided = Settlement(ids: pending, rows: rows, documents: try await index.digests(ids: pending), snapshotVersion: version)
            logger.debug("checked again", metadata: [
                "round": "\(round)", "ids": "\(pending.count)", "missing": "\(decided.missing.count)", "extra": "\(decided.extra.count)",
                "different": "\(decided.different.count)", "written since": "\(decided.moved)",
            ])
            settled.extra += decided.extra
            settled.different += decided.different
            pending = decided.missing
        }
        settled.missing = pending
        return settled
    }

    /// Runs `body` inside a consistent snapshot on a connection of its own, with the snapshot's
    /// binlog position and the document version of that position, as the initial snapshot takes them.
    private func withSnapshot<T: Sendable>(
        _ body: (MySQLConnection, ReplicationPosition, UInt64) async throws -> T
    ) async throws -> T {
        let connection = try await MySQLConnection.connect(configuration.source.url.connectionConfiguration, logger: logger)
        do {
            let progress = try await InitialSnapshot(configuration: configuration, logger: logger).begin(on: connection)
            let position = ReplicationPosition(file: progress.binlogFile, offset: progress.binlogOffset, gtidSet: progress.gtidSet)
            let value = try await body(connection, position, DocumentVersion.snapshot(at: position, isMariaDB: connection.isMariaDB))
            _ = try? await connection.query("COMMIT")
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Waits until the sync's saved position is at or past `position`, or `settleTimeout` passed.
    private func waitForSync(past position: ReplicationPosition) async throws {
        let store = try configuration.positions.makeStore()
        let deadline = ContinuousClock.now.advanced(by: options.settleTimeout)
        while ContinuousClock.now < deadline {
            if let saved = try await store.load(), saved.snapshot == nil,
               SyncProgress.isAtOrPast(file: saved.file, offset: saved.offset, position)
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        logger.warning(
            "the sync's saved position did not reach the source position within the settle timeout; is sluice run running? Differences are checked again anyway",
            metadata: ["position": "\(position)", "positions": "\(store)", "timeout": "\(options.settleTimeout)"]
        )
    }

    /// Writes the differing rows and deletes the extra documents at the version of a consistent
    /// snapshot's position; returns how many operations were applied.
    private func repair(_ found: RangeNarrowing, reader: TableReader, index: IndexReader) async throws -> Int {
        let ids = Set(found.ids)
        let (position, version, writes) = try await withSnapshot { connection, position, version in
            var rows: [BulkOperation] = []
            try await reader.forEachDocument(on: connection, version: version) { writes in
                rows += writes.filter { ids.contains($0.id) }.map(\.operation)
            }
            return (position, version, rows)
        }
        // Rows the snapshot does not have: their documents go, unless something newer wrote them.
        let gone = ids.subtracting(writes.map(\.id)).sorted()
        let operations = writes + gone.map { BulkOperation.delete(index: index.index, id: $0, version: version) }
        var applied = 0
        let writer = BulkWriter(client: index.client, logger: logger)
        for start in stride(from: 0, to: operations.count, by: 500) {
            let batch = Array(operations[start..<min(start + 500, operations.count)])
            for (operation, outcome) in zip(batch, try await writer.write(batch)) {
                switch outcome {
                case .applied: applied += 1
                case .staleVersion:
                    logger.notice("not repaired: the index holds a newer version", metadata: ["id": "\(operation.id)", "repair version": "\(version)"])
                case let .rejected(status, type, reason):
                    logger.error("the index refused a repair", metadata: ["id": "\(operation.id)", "status": "\(status)", "error": "\(type)", "reason": "\(reason)"])
                }
            }
        }
        logger.info("repaired", metadata: ["table": "\(reader.database).\(reader.table)", "applied": "\(applied)", "of": "\(operations.count)", "position": "\(position)"])
        return applied
    }
}

extension RangeNarrowing {
    /// Whether nothing differs.
    var isEmpty: Bool { missing.isEmpty && extra.isEmpty && different.isEmpty }
    /// Every differing id.
    var ids: [String] { missing + extra + different }
}
