import Binlog

/// The external document version of a change: deterministic, and strictly increasing along the
/// source's history, so a replay writes the same versions and an older change can never overwrite a
/// newer one (DESIGN.md, correctness contract 3).
///
/// - With GTIDs: the sum over GTID domains (MariaDB) or source UUIDs (MySQL) of the highest sequence
///   number at the transaction, shifted left by 23 bits, plus the index of the rows event within the
///   transaction. The sum survives a switch to another server of the same topology; the event index
///   orders the writes of one transaction that is handed on in several chunks.
/// - Without GTIDs: the binlog file's sequence number shifted left by 40 bits, plus the rows
///   event's offset. Valid on one server only.
///
/// An initial snapshot writes with the version of the position it was taken at, with event index 0,
/// so any change streamed after it is newer.
public enum DocumentVersion {
    static let eventIndexBits: UInt64 = 23
    static let offsetBits: UInt64 = 40

    /// A version from a GTID sum and the rows event's index within its transaction.
    public static func gtid(sum: UInt64, eventIndex: Int) -> UInt64 {
        let index = min(UInt64(max(eventIndex, 0)), (1 << eventIndexBits) - 1)
        return sum << eventIndexBits | index
    }

    /// A version from a binlog file name (`mariadb-bin.000042`) and an offset in it.
    public static func file(_ name: String, offset: UInt64) -> UInt64 {
        file(sequence: fileSequence(name), offset: offset)
    }

    /// A version from a binlog file's sequence number (see `fileSequence(_:)`) and an offset in it.
    static func file(sequence: UInt64, offset: UInt64) -> UInt64 {
        sequence << offsetBits | min(offset, (1 << offsetBits) - 1)
    }

    /// The sequence number of a binlog file name: `mariadb-bin.000042` → 42; 0 when it has none.
    public static func fileSequence(_ name: String) -> UInt64 {
        name.split(separator: ".").last.flatMap { UInt64($0) } ?? 0
    }

    /// The sum over domains of a MariaDB GTID position.
    public static func sum(_ position: MariaGTIDPosition) -> UInt64 {
        position.gtids.reduce(0) { $0 &+ $1.sequence }
    }

    /// The sum over sources of the highest transaction number of a MySQL GTID set.
    public static func sum(_ set: GTIDSet) -> UInt64 {
        set.ranges.values.reduce(0) { $0 &+ ($1.map(\.upperBound).max() ?? 0) }
    }

    /// The version a snapshot taken at `position` writes with.
    public static func snapshot(at position: ReplicationPosition, isMariaDB: Bool) -> UInt64 {
        if let set = position.gtidSet {
            if isMariaDB, let state = try? MariaGTIDPosition(set) { return gtid(sum: sum(state), eventIndex: 0) }
            if !isMariaDB, let state = try? GTIDSet(set) { return gtid(sum: sum(state), eventIndex: 0) }
        }
        return file(position.file, offset: position.offset)
    }
}
