/// Where the checkpoint is kept between runs.
///
/// Stores hold one position: `save` replaces it. `description` says where it lives (for logs and errors),
/// e.g. `file /var/lib/sluice/positions.json`.
public protocol PositionStore: Sendable, CustomStringConvertible {
    /// The saved position, or `nil` when none was saved (a first run, or after `remove`).
    func load() async throws -> SavedPosition?
    /// Replaces the saved position. When this returns, the position survives a crash of this process.
    func save(_ position: SavedPosition) async throws
    /// Forgets the saved position, so the next run starts from the configured start.
    func remove() async throws
}
