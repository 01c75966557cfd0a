/// A place in the source's binlog history from which reading can resume: always just after a whole
/// transaction, so a resumed reader never starts inside one.
public struct ReplicationPosition: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The binlog file.
    public var file: String
    /// The offset just after the transaction's last event.
    public var offset: UInt64
    /// The GTID state after the transaction: MariaDB's `domain-server-seq,…` (last per domain) or
    /// MySQL's executed set `uuid:1-42,…`. nil when the server writes no GTIDs.
    public var gtidSet: String?

    public init(file: String, offset: UInt64, gtidSet: String? = nil) {
        self.file = file
        self.offset = offset
        self.gtidSet = gtidSet
    }

    /// Whether this position is at or past `other` in one server's binlog, by file number and offset.
    /// Without a file name on either side (a position known by GTID alone) it cannot tell and says yes:
    /// callers only use it to wait, and their writes carry versions that keep an early write harmless.
    public func isAtOrAfter(_ other: ReplicationPosition) -> Bool {
        guard !file.isEmpty, !other.file.isEmpty else { return true }
        let (mine, theirs) = (DocumentVersion.fileSequence(file), DocumentVersion.fileSequence(other.file))
        return mine != theirs ? mine > theirs : offset >= other.offset
    }

    public var description: String {
        "\(file):\(offset)" + (gtidSet.map { " gtid:\($0)" } ?? "")
    }
}

/// What the source hands on: a run of committed row changes, and, when the run ends a transaction,
/// the position to resume from after it.
///
/// A large transaction arrives as several chunks; only the last carries `commit`. Checkpoints must
/// only ever use a `commit` position.
public struct ChangeChunk: Sendable {
    public var changes: [RowChange]
    public var commit: ReplicationPosition?

    public init(changes: [RowChange], commit: ReplicationPosition?) {
        self.changes = changes
        self.commit = commit
    }
}
