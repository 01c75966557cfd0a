import Binlog

/// One committed change to one row: the unit that flows from the source to every sink.
public struct RowChange: Sendable, Equatable {
    public enum Operation: String, Sendable {
        case insert
        case update
        case delete
    }

    public var operation: Operation
    public var database: String
    public var table: String
    /// The table's columns: names (`@N` where unknown) and types. Shared by every change of a layout.
    public var columns: ColumnLayout
    /// Indexes into `columns` of the primary-key columns; nil when the key is unknown.
    public var keyColumns: [Int]?
    /// The row before the change (update, delete). nil entries are columns absent from the image.
    public var before: [ColumnValue?]?
    /// The row after the change (insert, update).
    public var after: [ColumnValue?]?
    public var position: ChangePosition
    /// The event's timestamp: seconds since the epoch when the source committed the change.
    public var timestamp: UInt32

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
        self.operation = operation
        self.database = database
        self.table = table
        self.columns = columns
        self.keyColumns = keyColumns
        self.before = before
        self.after = after
        self.position = position
        self.timestamp = timestamp
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

/// Where a change sits in the source's history.
public struct ChangePosition: Sendable, Equatable, Hashable {
    /// The binlog file that holds the change.
    public var file: String
    /// The offset of the rows event that holds the change.
    public var offset: UInt64
    /// The GTID of the transaction, in the server's text form (`0-1-42` or `uuid:42`), if any.
    public var gtid: String?
    /// The change's place in the source history as one number that grows strictly with it and is
    /// the same on every replay: the external version of the documents it writes. See `DocumentVersion`.
    public var version: UInt64

    public init(file: String, offset: UInt64, gtid: String?, version: UInt64 = 0) {
        self.file = file
        self.offset = offset
        self.gtid = gtid
        self.version = version
    }
}

/// The columns of one table layout, shared by reference so a million changes do not copy them:
/// names (`@1`, `@2`… where the schema is unknown) and, when known, their binlog descriptors.
public final class ColumnLayout: Sendable, Equatable {
    public let names: [String]
    /// The columns' types and metadata as the TABLE_MAP gave them; empty when not known.
    public let descriptors: [ColumnDescriptor]

    public init(_ names: [String], descriptors: [ColumnDescriptor] = []) {
        self.names = names
        self.descriptors = descriptors
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
