import ChangeCapture

/// How the initial copy of the tables runs (`snapshot`).
public struct SnapshotSettings: Sendable, Equatable {
    /// Rows read per query, in primary-key order; also how much a resumed snapshot may copy twice.
    public var chunkSize: Int

    static let keys = ["chunk_size"]

    init(_ snapshot: ConfigurationMapping) throws(ConfigurationError) {
        chunkSize = try snapshot.integer("chunk_size", atLeast: 1) ?? 1000
    }
}
