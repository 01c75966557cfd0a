/// WRITE_ROWS, UPDATE_ROWS, DELETE_ROWS (v1 23–25, v2 30–32), PARTIAL_UPDATE_ROWS (39) and MariaDB's
/// compressed row events (166–171), decoded.
///
/// A row image is `[ColumnValue?]` indexed by column: `nil` means the column is not in the image
/// (`binlog_row_image=MINIMAL` or `NOBLOB`, or a v1 partial image); `.null` is SQL NULL.
public struct RowsEvent: Sendable {
    public enum Kind: Sendable, Hashable {
        case insert
        case update
        case delete
    }

    /// One changed row. Inserts have only `after`, deletes only `before`, updates both.
    ///
    /// For PARTIAL_UPDATE_ROWS the JSON diffs are applied to the before image's document, so `after`
    /// holds whole documents. When the before image lacks the document (`binlog_row_image=MINIMAL`),
    /// they cannot be: that column's `after` entry is nil and its diffs are in `unappliedJSONDiffs`,
    /// so the change is never mistaken for an unchanged column.
    public struct Row: Sendable, Equatable {
        public var before: [ColumnValue?]?
        public var after: [ColumnValue?]?
        /// Column index → the JSON diffs that make its after value, when they could not be applied.
        public var unappliedJSONDiffs: [Int: [JSONDiff]]

        public init(before: [ColumnValue?]?, after: [ColumnValue?]?, unappliedJSONDiffs: [Int: [JSONDiff]] = [:]) {
            self.before = before
            self.after = after
            self.unappliedJSONDiffs = unappliedJSONDiffs
        }
    }

    public var kind: Kind
    /// The TABLE_MAP the event refers to.
    public var table: TableMapEvent {
        get { sharedTable.event }
        set { sharedTable = SharedTableMap(newValue) }
    }
    /// The TABLE_MAP by reference: every rows event of a table shares one, so making and passing an
    /// event retains one object rather than each string and array of the TABLE_MAP (measured:
    /// copies of it were about a tenth of the reference counting in decoding).
    var sharedTable: SharedTableMap
    /// STMT_END_F 1, NO_FOREIGN_KEY_CHECKS_F 2, RELAXED_UNIQUE_KEY_CHECKS_F 4, COMPLETE_ROWS_F 8.
    public var flags: UInt16
    public var rows: [Row]

    public init(kind: Kind, table: TableMapEvent, flags: UInt16, rows: [Row]) {
        self.kind = kind
        self.sharedTable = SharedTableMap(table)
        self.flags = flags
        self.rows = rows
    }

    init(kind: Kind, sharedTable: SharedTableMap, flags: UInt16, rows: [Row]) {
        self.kind = kind
        self.sharedTable = sharedTable
        self.flags = flags
        self.rows = rows
    }

    /// The id of the table the rows belong to; shorthand for `table.tableID` without copying the TABLE_MAP.
    public var tableID: UInt64 { sharedTable.event.tableID }

    /// STMT_END_F: the last row event of its statement.
    public var isEndOfStatement: Bool { flags & 0x0001 != 0 }
}

/// One TABLE_MAP, shared by the rows events that refer to it.
final class SharedTableMap: Sendable {
    let event: TableMapEvent

    init(_ event: TableMapEvent) {
        self.event = event
    }
}
