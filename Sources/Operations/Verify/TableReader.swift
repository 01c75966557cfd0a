import Binlog
import ChangeCapture
import Elasticsearch
import MySQLProtocol
import Pipeline

/// Reads a table's rows in primary-key chunks (as the initial snapshot does) and maps each to the
/// document the sync would write for it, through the same `DocumentMapper`.
struct TableReader: Sendable {
    let database: String
    let table: String
    let query: SnapshotQuery
    /// The index, id columns and fields the sync uses for this table.
    let plan: DocumentMapper.Plan
    let rules: [TableRule]
    let chunkSize: Int

    static func load(database: String, table: String, rules: [TableRule], chunkSize: Int, on connection: MySQLConnection) async throws -> TableReader {
        let query = try await SnapshotQuery.load(database: database, table: table, isMariaDB: connection.isMariaDB, from: connection)
        var mapper = DocumentMapper(rules: rules)
        let template = InitialSnapshot.changes(SnapshotChunk(rows: [[]], lastKey: nil, isLast: true), of: query, at: Self.noPosition, version: 0)
        let plan = mapper.plan(for: template[0])
        return TableReader(database: database, table: table, query: query, plan: plan, rules: rules, chunkSize: chunkSize)
    }

    /// `` `db`.`table` `` for statements.
    var qualifiedName: String { "\(InformationSchema.quotedIdentifier(database)).\(InformationSchema.quotedIdentifier(table))" }

    /// Calls `handle` with each row's document, written at `version`, chunk by chunk.
    func forEachDocument(on connection: MySQLConnection, version: UInt64, _ handle: ([DocumentWrite]) async throws -> Void) async throws {
        var mapper = DocumentMapper(rules: rules)
        var key: [String]?
        while true {
            try Task.checkCancellation()
            let chunk = try await query.readChunk(after: key, limit: chunkSize, from: connection)
            try await handle(try documents(of: chunk, version: version, mapper: &mapper))
            key = chunk.lastKey ?? key
            if chunk.isLast { return }
        }
    }

    /// The digests of the table's documents; only those with ids in `ids` when it is given.
    ///
    /// When the id is the one-column primary key, those rows are read by key, a thousand at a time;
    /// otherwise (or when an id is not the key's printed form, as for DATETIME keys) the whole table
    /// is read and filtered.
    func digests(on connection: MySQLConnection, only ids: Set<String>? = nil) async throws -> [DocumentDigest] {
        var digests: [DocumentDigest] = []
        let collect: ([DocumentWrite]) throws -> Void = { writes in
            for write in writes where ids?.contains(write.id) ?? true {
                digests.append(DocumentDigest(id: write.id, hash: CanonicalDocument.hash(id: write.id, source: try write.source.map { try JSON(parsing: $0) })))
            }
        }
        if let ids, plan.idColumns == query.keyColumns, query.keyColumns.count == 1, let byKey = try await documents(keys: ids.sorted(), on: connection) {
            try collect(byKey)
        } else {
            try await forEachDocument(on: connection, version: 0) { try collect($0) }
        }
        return digests
    }

    /// The documents of the rows with these one-column keys; nil when a key is not a literal of
    /// the key column's printed form.
    private func documents(keys: [String], on connection: MySQLConnection) async throws -> [DocumentWrite]? {
        var mapper = DocumentMapper(rules: rules)
        var writes: [DocumentWrite] = []
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let batch = Array(keys[start..<min(start + 1000, keys.count)])
            guard let sql = try? query.statement(keys: batch) else { return nil }
            writes += try documents(of: try query.chunk(try await connection.rows(sql), limit: batch.count + 1), version: 0, mapper: &mapper)
        }
        return writes
    }

    /// A chunk's rows as the documents the sync writes for them.
    private func documents(of chunk: SnapshotChunk, version: UInt64, mapper: inout DocumentMapper) throws -> [DocumentWrite] {
        var writes: [DocumentWrite] = []
        writes.reserveCapacity(chunk.rows.count)
        for change in InitialSnapshot.changes(chunk, of: query, at: Self.noPosition, version: version) {
            do {
                try mapper.appendWrites(for: change, version: version, to: &writes)
            } catch {
                throw VerifyError("\(database).\(table): a row cannot become a document: \(error)")
            }
        }
        return writes
    }

    /// The rows are mapped only for their documents; the position a change carries is not used.
    private static let noPosition = ReplicationPosition(file: "", offset: 0)
}

/// Why verify could not do its job; the message says what to do.
public struct VerifyError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
