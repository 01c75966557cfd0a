import Foundation

/// The checkpoint: the place in the source's binlog up to which every change has reached the sink.
///
/// Like canal's `meta.dat`, it carries the binlog file and offset, the source server's id and the time of
/// the last committed event; it adds the GTID set and, while the initial snapshot is unfinished, how far
/// the snapshot got.
public struct SavedPosition: Codable, Sendable, Equatable {
    /// The binlog file to resume reading from, e.g. `mysql-bin.000003`.
    public var file: String
    /// The offset in `file` of the next event to read: every change before it has been acknowledged.
    public var offset: UInt64
    /// The GTID set executed up to this position, when the source uses GTIDs. Resuming by GTID set survives
    /// a failover to another server, where `file` and `offset` mean nothing.
    public var gtidSet: String?
    /// The `server_id` of the server that wrote the last committed event, to notice a switch of servers.
    public var serverID: UInt32?
    /// When the last committed event was written, in seconds since the epoch (the binlog's own clock).
    public var timestamp: UInt64
    /// When this position was saved (the local wall clock), to tell a stale checkpoint at a glance.
    /// Kept to whole seconds, because the positions file holds it as ISO-8601 text without fractions.
    public var savedAt: Date
    /// How far an unfinished initial snapshot got; `nil` once the snapshot is complete or when there was none.
    public var snapshot: SnapshotProgress?
    /// The tables an online re-snapshot (`sluice resnapshot`) still has to copy; `nil` when none is due.
    public var resnapshot: ResnapshotProgress?

    public init(
        file: String,
        offset: UInt64,
        gtidSet: String? = nil,
        serverID: UInt32? = nil,
        timestamp: UInt64,
        savedAt: Date = Date(),
        snapshot: SnapshotProgress? = nil,
        resnapshot: ResnapshotProgress? = nil
    ) {
        self.file = file
        self.offset = offset
        self.gtidSet = gtidSet
        self.serverID = serverID
        self.timestamp = timestamp
        self.savedAt = Date(timeIntervalSince1970: savedAt.timeIntervalSince1970.rounded(.down))
        self.snapshot = snapshot
        self.resnapshot = resnapshot
    }

    // The file's keys are snake_case to read like the YAML configuration.
    private enum CodingKeys: String, CodingKey {
        case file, offset, timestamp, snapshot, resnapshot
        case gtidSet = "gtid_set"
        case serverID = "server_id"
        case savedAt = "saved_at"
    }
}
