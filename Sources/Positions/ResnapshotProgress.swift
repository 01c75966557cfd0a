/// The tables an online re-snapshot still has to copy while the binlog streams on, and how far the
/// first of them got, so that a restart resumes the copy instead of starting it over.
///
/// Unlike the initial snapshot, it has no binlog position of its own: each chunk is read at the
/// position the stream has reached, and the checkpoint that carries this progress is that position.
public struct ResnapshotProgress: Codable, Sendable, Equatable {
    /// The tables still to copy, as `db.table`, in order; the first is being copied.
    public var tables: [String]
    /// The primary key of the last row of the first table that reached the sink, one JSON-rendered
    /// value per key column; copying resumes after it. `nil` when no row of it is done yet.
    public var lastKey: [String]?

    public init(tables: [String], lastKey: [String]? = nil) {
        self.tables = tables
        self.lastKey = lastKey
    }

    /// Adds tables to copy (again); a table already waiting keeps its place.
    public mutating func add(_ more: [String]) {
        for table in more where !tables.contains(table) { tables.append(table) }
    }

    private enum CodingKeys: String, CodingKey {
        case tables
        case lastKey = "last_key"
    }
}
