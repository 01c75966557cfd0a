import ChangeCapture

/// How far a position is behind the source, from the source's own list of binlog files.
public enum BinlogLag {
    /// Bytes of binlog between `position` and the end of the last file in `binaryLogs` (the rows of
    /// `SHOW BINARY LOGS`: name and size, oldest first). Zero when the position is at or past that
    /// end; nil when its file is not in the list (purged, or a different server), so no distance
    /// can be told.
    public static func bytes(from position: (file: String, offset: UInt64), to binaryLogs: [(name: String, size: UInt64)]) -> UInt64? {
        guard let index = binaryLogs.firstIndex(where: { $0.name == position.file }) else {
            // A position in a file newer than the list is past its end: the list is older than it.
            if let last = binaryLogs.last, DocumentVersion.fileSequence(position.file) > DocumentVersion.fileSequence(last.name) { return 0 }
            return nil
        }
        let rest = binaryLogs[index...].reduce(UInt64(0)) { $0 + $1.size }
        return rest > position.offset ? rest - position.offset : 0
    }

    /// Seconds between `now` and the commit of the oldest transaction read but not yet acknowledged;
    /// zero when none is waiting. Times are seconds since the epoch.
    public static func seconds(now: Double, oldestPendingCommit: Double?) -> Double {
        guard let commit = oldestPendingCommit else { return 0 }
        return max(0, now - commit)
    }

    /// When a transaction committed, as near as can be told: the source stamps events in whole
    /// seconds (`timestamp`), so the commit is in `[timestamp, timestamp + 1)`, and it cannot be later
    /// than the moment Sluice queued it. The earlier of the two bounds, so lag and freshness derived
    /// from it are never overstated, and understated by less than a second (by the binlog's delivery
    /// time once Sluice keeps up).
    public static func commitTime(timestamp: UInt32, queuedAt: Double) -> Double {
        min(Double(timestamp) + 1, queuedAt)
    }
}
