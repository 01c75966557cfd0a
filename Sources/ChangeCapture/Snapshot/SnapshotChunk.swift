import Binlog

/// One chunk of a table's rows, in primary-key order.
public struct SnapshotChunk: Sendable, Equatable {
    /// Each row's values in the table's column order, as the binlog decoder gives them; every
    /// column is present.
    public var rows: [[ColumnValue?]]
    /// The last row's key cells as the server sent them, for the next chunk's `after:`; nil when
    /// the chunk is empty.
    public var lastKey: [String]?
    /// Whether the table ended within this chunk (it has fewer rows than the limit).
    public var isLast: Bool

    public init(rows: [[ColumnValue?]], lastKey: [String]?, isLast: Bool) {
        self.rows = rows
        self.lastKey = lastKey
        self.isLast = isLast
    }
}
