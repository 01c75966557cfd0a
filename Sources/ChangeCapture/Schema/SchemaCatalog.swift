import Binlog
import NIOConcurrencyHelpers

/// The schema of each selected table as `information_schema` gives it, used to fill in what a
/// TABLE_MAP leaves out: names and keys without `binlog_row_metadata=FULL`, signedness without
/// SIGNEDNESS metadata, ENUM/SET labels, and MariaDB's JSON columns (LONGTEXT to the binlog).
///
/// `information_schema` shows the table as it is now, which may be newer than the event being read.
/// A layout whose column count differs from the binlog's is left as the binlog says (`@N` names).
public final class SchemaCatalog: Sendable {
    struct Entry: Sendable {
        var columns: [InformationSchemaColumn]
        var primaryKey: [String]
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    public init() {}

    /// Whether `database.table` has been loaded since the last `invalidate()`.
    public func contains(database: String, table: String) -> Bool {
        entries.withLockedValue { $0["\(database).\(table)"] != nil }
    }

    /// Reads one table's schema from the server.
    public func load(database: String, table: String, isMariaDB: Bool, from connection: some MetadataQuerying) async throws {
        let loaded = try await InformationSchema.load(database: database, table: table, isMariaDB: isMariaDB, from: connection)
        entries.withLockedValue { $0["\(database).\(table)"] = Entry(columns: loaded.columns, primaryKey: loaded.primaryKey) }
    }

    /// Forgets every table, after DDL.
    public func invalidate() {
        entries.withLockedValue { $0.removeAll() }
    }

    /// Fills in what the TABLE_MAP left out, from the loaded schema.
    public func enrich(_ table: inout TableMapEvent) {
        guard let entry = entries.withLockedValue({ $0[table.qualifiedName] }),
              entry.columns.count == table.columns.count
        else { return }
        // With full metadata the binlog's own signedness describes the row; the current schema may not.
        let hasFullMetadata = table.columns.allSatisfy { $0.name != nil }
        for (index, column) in entry.columns.enumerated() {
            var descriptor = table.columns[index]
            if descriptor.name == nil { descriptor.name = column.name }
            if descriptor.type == .enum, descriptor.enumLabels == nil { descriptor.enumLabels = column.labels }
            if descriptor.type == .set, descriptor.setLabels == nil { descriptor.setLabels = column.labels }
            if !hasFullMetadata, column.isUnsigned { descriptor.isUnsigned = true }
            if column.isJSON, descriptor.type != .json { descriptor.isJSONText = true }
            table.columns[index] = descriptor
        }
        if table.primaryKey == nil, !entry.primaryKey.isEmpty {
            let indexes = entry.primaryKey.compactMap { name in entry.columns.firstIndex { $0.name == name } }
            if indexes.count == entry.primaryKey.count {
                table.primaryKey = indexes.map { TableMapEvent.PrimaryKeyPart(column: $0) }
            }
        }
    }
}
