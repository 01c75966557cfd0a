import Binlog

/// One committed change to one row: the unit that flows from the source to every sink.
///
/// What all the changes of a table layout share (names, columns, key) and of a transaction share
/// (file, GTID) is held by reference, so making, copying and dropping a change costs a few reference
/// counts however long the names are (measured: per-change retains and releases of each field were
/// the largest cost of assembling changes).
public struct RowChange: Sendable, Equatable {
    public enum Operation: String, Sendable {
        case insert
        case update
        case delete
    }

    public var operation: Operation
    /// The database, table, columns and key, shared by every change of the layout.
    public var layout: TableLayout
    /// The row before the change (update, delete). nil entries are columns absent from the image.
    public var before: [ColumnValue?]?
    /// The row after the change (insert, update).
    public var after: [ColumnValue?]?
    public var position: ChangePosition
    /// The event's timestamp: seconds since the epoch when the source committed the change.
    public var timestamp: UInt32

    public init(
        operation: Operation,
        layout: TableLayout,
        before: [ColumnValue?]?,
        after: [ColumnValue?]?,
        position: ChangePosition,
        timestamp: UInt32
    ) {
        self.operation = operation
        self.layout = layout
        self.before = before
        self.after = after
        self.position = position
        self.timestamp = timestamp
    }

    /// A change with a layout of its own; changes of one table should share a `TableLayout`.
    public init(
        operation: Operation,
        database: String,
        table: String,
        columns: ColumnLayout,
        keyColumns: [Int]?,
        before: [ColumnValue?]?,
        after: [ColumnValue?]?,
        position: ChangePosition,
        timestamp: UInt32
    ) {
        self.init(
            operation: operation,
            layout: TableLayout(database: database, table: table, columns: columns, keyColumns: keyColumns),
            before: before, after: after, position: position, timestamp: timestamp
        )
    }

    public var database: String {
        get { layout.database }
        set { layout = TableLayout(database: newValue, table: table, columns: columns, keyColumns: keyColumns) }
    }

    public var table: String {
        get { layout.table }
        set { layout = TableLayout(database: database, table: newValue, columns: columns, keyColumns: keyColumns) }
    }

    /// The table's columns: names (`@N` where unknown) and types.
    public var columns: ColumnLayout {
        get { layout.columns }
        set { layout = TableLayout(database: database, table: table, columns: newValue, keyColumns: keyColumns) }
    }

    /// Indexes into `columns` of the primary-key columns; nil when the key is unknown.
    public var keyColumns: [Int]? {
        get { layout.keyColumns }
        set { layout = TableLayout(database: database, table: table, columns: columns, keyColumns: newValue) }
    }

    /// The key as (name, value) pairs, taken from the after image, else the before image.
    public var key: [(name: String, value: ColumnValue)]? {
        guard let keyColumns, let image = after ?? before else { return nil }
        var pairs: [(name: String, value: ColumnValue)] = []
        pairs.reserveCapacity(keyColumns.count)
        for index in keyColumns {
            guard index < image.count, let value = image[index] else { return nil }
            pairs.append((columns[index], value))
        }
        return pairs
    }
}

/// The table of a change and its layout: what every change of one TABLE_MAP shares.
public final class TableLayout: Sendable, Equatable {
    public let database: String
    public let table: String
    /// The table's columns: names (`@N` where unknown) and types.
    public let columns: ColumnLayout
    /// Indexes into `columns` of the primary-key columns; nil when the key is unknown.
    public let keyColumns: [Int]?
    /// The database and table as a JSON line names them, escaped once for all its changes: escaping
    /// them for each line cost 6% of writing one (callgrind).
    let jsonHead: [UInt8]

    public init(database: String, table: String, columns: ColumnLayout, keyColumns: [Int]?) {
        self.database = database
        self.table = table
        self.columns = columns
        self.keyColumns = keyColumns
        jsonHead = Self.jsonHead(database: database, table: table)
    }

    public static func == (lhs: TableLayout, rhs: TableLayout) -> Bool {
        lhs === rhs || (lhs.database == rhs.database && lhs.table == rhs.table && lhs.columns == rhs.columns
            && lhs.keyColumns == rhs.keyColumns)
    }
}

/// Where a change sits in the source's history.
public struct ChangePosition: Sendable, Equatable, Hashable {
    /// The file and GTID, shared by every change of a transaction's rows events.
    final class Origin: Sendable {
        let file: String
        let gtid: String?

        init(file: String, gtid: String?) {
            self.file = file
            self.gtid = gtid
        }
    }

    private(set) var origin: Origin
    /// The offset of the rows event that holds the change.
    public var offset: UInt64
    /// The change's place in the source history as one number that grows strictly with it and is
    /// the same on every replay: the external version of the documents it writes. See `DocumentVersion`.
    public var version: UInt64

    public init(file: String, offset: UInt64, gtid: String?, version: UInt64 = 0) {
        self.init(origin: Origin(file: file, gtid: gtid), offset: offset, version: version)
    }

    init(origin: Origin, offset: UInt64, version: UInt64) {
        self.origin = origin
        self.offset = offset
        self.version = version
    }

    /// The binlog file that holds the change.
    public var file: String {
        get { origin.file }
        set { origin = Origin(file: newValue, gtid: gtid) }
    }

    /// The GTID of the transaction, in the server's text form (`0-1-42` or `uuid:42`), if any.
    public var gtid: String? {
        get { origin.gtid }
        set { origin = Origin(file: file, gtid: newValue) }
    }

    public static func == (lhs: ChangePosition, rhs: ChangePosition) -> Bool {
        lhs.offset == rhs.offset && lhs.version == rhs.version
            && (lhs.origin === rhs.origin || (lhs.file == rhs.file && lhs.gtid == rhs.gtid))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(offset)
        hasher.combine(gtid)
        hasher.combine(version)
    }
}

/// The columns of one table layout, shared by reference so a million changes do not copy them:
/// names (`@1`, `@2`… where the schema is unknown) and, when known, their binlog descriptors.
public final class ColumnLayout: Sendable, Equatable {
    public let names: [String]
    /// The columns' types and metadata as the TABLE_MAP gave them; empty when not known.
    public let descriptors: [ColumnDescriptor]
    /// The names as JSON object keys, for the JSON line writer.
    let jsonNames: JSONMemberNames

    public init(_ names: [String], descriptors: [ColumnDescriptor] = []) {
        self.names = names
        self.descriptors = descriptors
        jsonNames = JSONMemberNames(names)
    }

    /// Names for a table whose schema is unknown: `@1`, `@2`, ….
    public convenience init(unknownCount count: Int, descriptors: [ColumnDescriptor] = []) {
        self.init((0..<count).map { "@\($0 + 1)" }, descriptors: descriptors)
    }

    public subscript(index: Int) -> String { names[index] }
    public var count: Int { names.count }

    public static func == (lhs: ColumnLayout, rhs: ColumnLayout) -> Bool {
        lhs === rhs || (lhs.names == rhs.names && lhs.descriptors == rhs.descriptors)
    }
}
