/// How far an initial snapshot (a copy of the selected tables before streaming the binlog) got, so that a
/// restart resumes it instead of copying everything again.
///
/// Tables are copied one at a time in primary-key order; `lastKey` marks where the current one stopped.
public struct SnapshotProgress: Codable, Sendable, Equatable {
    /// The binlog file at which the snapshot was taken: streaming starts here once the copy is done.
    public var binlogFile: String
    /// The offset in `binlogFile` at which the snapshot was taken.
    public var binlogOffset: UInt64
    /// The GTID set executed when the snapshot was taken, when the source uses GTIDs.
    public var gtidSet: String?
    /// Every table the snapshot copies, as `db.table`, in the order it copies them.
    public var tables: [String]
    /// The tables already copied completely, as `db.table`.
    public var completed: [String]
    /// The table being copied, as `db.table`; `nil` between tables.
    public var current: String?
    /// The primary key of the last row of `current` that reached the sink, one JSON-rendered value per key
    /// column (e.g. `["7", "\"abc\""]`); copying resumes after it. `nil` when no row of `current` is done yet.
    public var lastKey: [String]?

    public init(
        binlogFile: String,
        binlogOffset: UInt64,
        gtidSet: String? = nil,
        tables: [String],
        completed: [String] = [],
        current: String? = nil,
        lastKey: [String]? = nil
    ) {
        self.binlogFile = binlogFile
        self.binlogOffset = binlogOffset
        self.gtidSet = gtidSet
        self.tables = tables
        self.completed = completed
        self.current = current
        self.lastKey = lastKey
    }

    private enum CodingKeys: String, CodingKey {
        case tables, completed, current
        case binlogFile = "binlog_file"
        case binlogOffset = "binlog_offset"
        case gtidSet = "gtid_set"
        case lastKey = "last_key"
    }
}
