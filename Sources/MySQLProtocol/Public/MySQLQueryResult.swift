/// The outcome of a text-protocol query.
public struct MySQLQueryResult: Sendable, Hashable {
    /// The result set's columns; empty for statements that return no rows.
    public var columnDefinitions: [MySQLColumnDefinition]
    /// Each row's cells in the text protocol's form (numbers and dates as text), nil for SQL NULL.
    /// Bytes that are not UTF-8 are replaced, so select binary columns with HEX() or TO_BASE64().
    public var rows: [[String?]]
    public var affectedRows: UInt64
    public var lastInsertID: UInt64
    public var warnings: UInt16

    /// The column names, in order.
    public var columns: [String] { self.columnDefinitions.map(\.name) }

    public init(
        columnDefinitions: [MySQLColumnDefinition] = [], rows: [[String?]] = [], affectedRows: UInt64 = 0,
        lastInsertID: UInt64 = 0, warnings: UInt16 = 0
    ) {
        self.columnDefinitions = columnDefinitions
        self.rows = rows
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
        self.warnings = warnings
    }
}
