import Binlog

/// Reads a table's current rows in primary-key chunks, as the same `ColumnValue`s the binlog
/// decoder gives for them, so that a copied row renders to the same JSON as a replicated one.
///
/// Building a chunk's statement and reading its rows are pure, text in and text or values out;
/// `readChunk(after:limit:from:)` runs one chunk on a connection.
///
/// Where the two paths still differ:
/// - MySQL's JSON type is read as the text the server prints (`.jsonText`), spaced unlike the
///   binlog's decoded binary JSON. MariaDB's JSON is text on both paths, byte for byte.
/// - Text arrives converted to UTF-8 by the server, which is right for every charset; the binlog
///   decoder reads only UTF-8 and latin1 and keeps other charsets' bytes as if they were UTF-8.
public struct SnapshotQuery: Sendable {
    public let database: String
    public let table: String
    /// Indexes into `columnNames` of the primary-key columns, in key order.
    public let keyColumns: [Int]
    /// The layout every row of the table shares, as a binlog's changes of one table share theirs.
    public let layout: TableLayout
    /// The table's columns in order: each row's values come in this order.
    public var columnNames: ColumnLayout { layout.columns }
    let columns: [SnapshotColumn]
    /// `` `database`.`table` ``, for statements and messages.
    let qualifiedName: String

    init(database: String, table: String, columns: [InformationSchemaColumn], primaryKey: [String]) throws(SnapshotError) {
        self.database = database
        self.table = table
        let qualifiedName = "\(InformationSchema.quotedIdentifier(database)).\(InformationSchema.quotedIdentifier(table))"
        self.qualifiedName = qualifiedName
        guard !columns.isEmpty else { throw SnapshotError("\(qualifiedName) has no columns: is the table there?") }
        var snapshotColumns: [SnapshotColumn] = []
        for column in columns {
            guard let snapshotColumn = SnapshotColumn(column) else {
                throw SnapshotError(
                    "\(qualifiedName) column \(InformationSchema.quotedIdentifier(column.name)) has type "
                        + "\(column.columnType), which the snapshot cannot read")
            }
            snapshotColumns.append(snapshotColumn)
        }
        guard !primaryKey.isEmpty else {
            throw SnapshotError("\(qualifiedName) has no primary key: the snapshot reads a table in key order")
        }
        var keyColumns: [Int] = []
        for name in primaryKey {
            guard let index = columns.firstIndex(where: { $0.name == name }) else {
                throw SnapshotError("\(qualifiedName) has no column \(InformationSchema.quotedIdentifier(name)) for its primary key")
            }
            guard snapshotColumns[index].canBeKey else {
                throw SnapshotError(
                    "\(qualifiedName) key column \(InformationSchema.quotedIdentifier(name)) has type "
                        + "\(columns[index].columnType), which the snapshot cannot resume from")
            }
            keyColumns.append(index)
        }
        self.columns = snapshotColumns
        self.keyColumns = keyColumns
        let columnNames = ColumnLayout(columns.map(\.name), descriptors: columns.map(\.descriptor))
        layout = TableLayout(database: database, table: table, columns: columnNames, keyColumns: keyColumns)
    }

    /// Reads the table's schema from `information_schema` and prepares its snapshot.
    public static func load(
        database: String, table: String, isMariaDB: Bool, from connection: some MetadataQuerying
    ) async throws -> SnapshotQuery {
        let schema = try await InformationSchema.load(database: database, table: table, isMariaDB: isMariaDB, from: connection)
        return try SnapshotQuery(database: database, table: table, columns: schema.columns, primaryKey: schema.primaryKey)
    }

    /// The statement that reads up to `limit` rows after `key` (the previous chunk's `lastKey`;
    /// nil for the first chunk), in key order.
    ///
    /// A TIMESTAMP key compares in the session's time zone, which must be UTC (`+00:00`) so that no
    /// local hour repeats; `readChunk(after:limit:from:)` sets it.
    public func statement(after key: [String]?, limit: Int) throws(SnapshotError) -> String {
        precondition(limit > 0, "a chunk holds at least one row")
        let select = columns.map(\.selectExpression).joined(separator: ", ")
        let order = keyColumns.map { InformationSchema.quotedIdentifier(columns[$0].name) }.joined(separator: ", ")
        var sql = "SELECT \(select) FROM \(qualifiedName)"
        if let key { sql += " WHERE \(try resumeCondition(after: key))" }
        return sql + " ORDER BY \(order) LIMIT \(limit)"
    }

    /// One result row's values, in column order.
    public func values(of cells: [String?]) throws(SnapshotError) -> [ColumnValue?] {
        guard cells.count == columns.count else {
            throw SnapshotError("\(qualifiedName): the server sent \(cells.count) cells for \(columns.count) columns")
        }
        var values: [ColumnValue?] = []
        values.reserveCapacity(cells.count)
        for (column, cell) in zip(columns, cells) {
            guard let cell else {
                values.append(.null)
                continue
            }
            guard let value = column.value(cell) else { throw malformed(cell, in: column) }
            values.append(value)
        }
        return values
    }

    /// The chunk that `rows`, the result of `statement(after:limit:)` with this `limit`, holds.
    public func chunk(_ rows: [[String?]], limit: Int) throws(SnapshotError) -> SnapshotChunk {
        var values: [[ColumnValue?]] = []
        values.reserveCapacity(rows.count)
        for row in rows {
            values.append(try self.values(of: row))
        }
        var lastKey: [String]?
        if let last = rows.last {
            var key: [String] = []
            for index in keyColumns {
                guard let cell = last[index] else {
                    throw SnapshotError("\(qualifiedName) key column \(InformationSchema.quotedIdentifier(columns[index].name)) is NULL")
                }
                key.append(cell)
            }
            lastKey = key
        }
        return SnapshotChunk(rows: values, lastKey: lastKey, isLast: rows.count < limit)
    }

    /// Reads up to `limit` rows after `key` (nil: from the start). With a TIMESTAMP in the key,
    /// this first sets the session's time zone to UTC.
    public func readChunk(after key: [String]?, limit: Int, from connection: some MetadataQuerying) async throws -> SnapshotChunk {
        let sql = try statement(after: key, limit: limit)
        if key != nil, keyColumns.contains(where: { if case .timestamp = columns[$0].form { true } else { false } }) {
            _ = try await connection.rows("SET time_zone = '+00:00'")
        }
        return try chunk(try await connection.rows(sql), limit: limit)
    }

    /// `k1 > v1 OR (k1 = v1 AND k2 > v2) OR …`. MariaDB reads just the rest of the index for this
    /// form, but scans it from the start for the row comparison `(k1, k2) > (v1, v2)`.
    func resumeCondition(after key: [String]) throws(SnapshotError) -> String {
        guard key.count == keyColumns.count else {
            throw SnapshotError("\(qualifiedName): a key of \(key.count) values for \(keyColumns.count) key columns")
        }
        var names: [String] = []
        var literals: [String] = []
        for (text, index) in zip(key, keyColumns) {
            let column = columns[index]
            guard let literal = column.keyLiteral(text) else { throw malformed(text, in: column) }
            names.append(InformationSchema.quotedIdentifier(column.name))
            literals.append(literal)
        }
        let terms = names.indices.map { last in
            ((0..<last).map { "\(names[$0]) = \(literals[$0])" } + ["\(names[last]) > \(literals[last])"])
                .joined(separator: " AND ")
        }
        return terms.count == 1 ? terms[0] : terms.map { "(\($0))" }.joined(separator: " OR ")
    }

    func malformed(_ text: String, in column: SnapshotColumn) -> SnapshotError {
        SnapshotError(
            "\(qualifiedName) column \(InformationSchema.quotedIdentifier(column.name)) (\(column.columnType)): "
                + "cannot read \(InformationSchema.sqlLiteral(text)) from \(column.selectExpression)")
    }
}
