/// Decides which of the ids that differed really differ, from the table's rows as a consistent
/// snapshot saw them at a position P, and the index's documents read once the sync had passed P.
///
/// By then every change up to P has landed, so a document at a version up to P's must equal the
/// snapshot's row. A document at a newer version was written by a change after P: the sync is
/// keeping it current, and it is not judged against the older snapshot. A missing document cannot
/// tell when it went (a deletion leaves no version to read), so it is kept for another round.
public struct Settlement: Sendable, Equatable {
    /// Rows the index lacks (undecided: checked again while rounds remain).
    public var missing: [String] = []
    /// Documents of no row, at a version up to the snapshot's.
    public var extra: [String] = []
    /// Documents that differ from their row, at a version up to the snapshot's.
    public var different: [String] = []
    /// Documents written after the snapshot, so not judged (for logs).
    public var moved = 0

    /// - Parameters:
    ///   - ids: The ids to decide.
    ///   - rows: The snapshot's documents among them.
    ///   - documents: The index's documents among them, with their versions.
    ///   - snapshotVersion: The document version of the snapshot's position.
    public init(ids: [String], rows: [DocumentDigest], documents: [(digest: DocumentDigest, version: UInt64?)], snapshotVersion: UInt64) {
        let rowHashes = Dictionary(rows.map { ($0.id, $0.hash) }, uniquingKeysWith: { first, _ in first })
        let stored = Dictionary(documents.map { ($0.digest.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in ids {
            switch (rowHashes[id], stored[id]) {
            case (nil, nil):
                continue
            case (_?, nil):
                missing.append(id)
            case let (row, document?):
                if let version = document.version, version > snapshotVersion {
                    moved += 1
                } else if row == nil {
                    extra.append(id)
                } else if row != document.digest.hash {
                    different.append(id)
                }
            }
        }
    }
}
