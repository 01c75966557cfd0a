import ChangeCapture
import Foundation
import Positions

/// A position that may be saved: just after a whole transaction, with its commit time.
struct Checkpoint: Sendable, Equatable {
    var position: ReplicationPosition
    /// The transaction's commit time, seconds since the epoch.
    var timestamp: UInt32
    /// While an initial snapshot runs: how far it got.
    var snapshot: SnapshotProgress? = nil
    /// While an online re-snapshot runs: what it has left.
    var resnapshot: ResnapshotProgress? = nil

    /// What the position store keeps for it.
    var saved: SavedPosition {
        SavedPosition(
            file: position.file,
            offset: position.offset,
            gtidSet: position.gtidSet,
            timestamp: UInt64(timestamp),
            snapshot: snapshot,
            resnapshot: resnapshot
        )
    }
}

extension ReplicationPosition {
    init(_ saved: SavedPosition) {
        self.init(file: saved.file, offset: saved.offset, gtidSet: saved.gtidSet)
    }
}
