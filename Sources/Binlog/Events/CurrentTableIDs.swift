/// The id each table is mapped under now.
///
/// The server maps a table under a new id when it reopens it (after DDL, or once it left the table
/// cache) and never uses the old id again. Whatever is kept per table id drops the old id's entry
/// when `record(_:)` names it, and so holds one entry per table however long the stream runs.
public struct CurrentTableIDs: Sendable {
    private struct Name: Hashable {
        let database: String
        let table: String
    }

    private var ids: [Name: UInt64] = [:]

    public init() {}

    /// Records `table`'s id as its table's current one; returns the id it replaces, if another.
    public mutating func record(_ table: TableMapEvent) -> UInt64? {
        let previous = ids.updateValue(table.tableID, forKey: Name(database: table.database, table: table.table))
        return previous == table.tableID ? nil : previous
    }

    public mutating func removeAll() {
        ids.removeAll()
    }
}
