/// Keeps the position in memory only, like canal's memory instance: a restart starts over from the
/// configured start. Meant for trials and tests.
public actor MemoryPositionStore: PositionStore {
    private var position: SavedPosition?

    public init(_ position: SavedPosition? = nil) {
        self.position = position
    }

    public func load() -> SavedPosition? { position }

    public func save(_ position: SavedPosition) {
        self.position = position
    }

    public func remove() {
        position = nil
    }

    public nonisolated var description: String { "memory (forgotten on restart)" }
}
