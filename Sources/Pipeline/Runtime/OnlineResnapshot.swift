import ChangeCapture
import Positions

/// The bookkeeping of an online re-snapshot: tables copied again, chunk by chunk, while the binlog
/// streams on, without locks, by the watermark method of DBLog and Flink CDC's incremental snapshot.
///
/// For each primary-key chunk the reader records a low watermark (the binlog position before the
/// chunk is selected) and a high watermark (after it), and opens a window here. Until the stream
/// reaches the high watermark, every document it writes is noted; then the chunk's rows are queued,
/// less those documents, whose newer values the stream has already queued. The rows that are left
/// did not change between the watermarks, so their values are the values at the high watermark, and
/// they carry its version: any change streamed later is newer.
///
/// On MariaDB both watermarks are the one position that `START TRANSACTION WITH CONSISTENT SNAPSHOT`
/// reports for the chunk's reading transaction, so the window is exact and no row is dropped.
///
/// Pure: the producer reads the chunks and queues the writes.
struct OnlineResnapshot {
    /// What is left, counting every chunk already queued: the checkpoint carries this.
    private(set) var progress: ResnapshotProgress?
    private var window: Window?

    /// A chunk read between two watermarks, waiting for the stream to reach the high one.
    struct Window {
        var high: ReplicationPosition
        var writes: [DocumentWrite]
        /// What is left once the chunk is queued.
        var next: ResnapshotProgress?
        /// Documents the stream wrote since the window opened: the reader opens it before it takes
        /// the low watermark, so these include every change between the watermarks.
        var changed: Set<DocumentKey> = []
    }

    init(progress: ResnapshotProgress?) {
        self.progress = progress
    }

    /// Adds tables to copy; a table already waiting keeps its place.
    mutating func request(_ tables: [String]) {
        guard !tables.isEmpty else { return }
        var progress = progress ?? ResnapshotProgress(tables: [])
        progress.add(tables)
        self.progress = progress
    }

    /// The table and key to read the next chunk after, when a chunk is due and none is open.
    var nextChunk: (table: String, after: [String]?)? {
        guard window == nil, let progress, let table = progress.tables.first else { return nil }
        return (table, progress.lastKey)
    }

    /// Opens a window for a chunk of the first table. `lastKey` is the chunk's last key, nil when the
    /// chunk ends the table.
    mutating func open(high: ReplicationPosition, writes: [DocumentWrite], lastKey: [String]?) {
        precondition(window == nil, "one chunk at a time")
        var next = progress ?? ResnapshotProgress(tables: [])
        if let lastKey {
            next.lastKey = lastKey
        } else {
            next.tables.removeFirst()
            next.lastKey = nil
        }
        window = Window(high: high, writes: writes, next: next.tables.isEmpty ? nil : next)
    }

    /// Notes documents the stream queued, so the open chunk does not overwrite them.
    mutating func observe(_ writes: [DocumentWrite]) {
        guard window != nil else { return }
        for write in writes { window?.changed.insert(write.key) }
    }

    /// Once the stream has reached the open window's high watermark: closes it and returns the
    /// chunk's writes to queue, less the documents the stream wrote meanwhile. `progress` then
    /// counts the chunk as done.
    mutating func close(at position: ReplicationPosition) -> [DocumentWrite]? {
        guard let window, position.isAtOrAfter(window.high) else { return nil }
        self.window = nil
        progress = window.next
        return window.writes.filter { !window.changed.contains($0.key) }
    }
}
