import ChangeCapture
import Positions

/// Where the checkpoint is kept and how often it is written (`positions`).
public struct PositionsSettings: Sendable, Equatable {
    public enum Store: Sendable, Equatable, CustomStringConvertible {
        /// Kept in memory only: a restart starts over from `start`.
        case memory
        /// Kept in a JSON file at this path, relative to the working directory unless absolute.
        case file(path: String)

        public var description: String {
            switch self {
            case .memory: "memory"
            case let .file(path): "file \(path)"
            }
        }
    }

    public var store: Store
    /// The checkpoint is written at most this often; a restart replays at most this much, idempotently.
    public var interval: Duration

    /// The store the settings describe.
    public func makeStore() -> any PositionStore {
        switch store {
        case .memory: MemoryPositionStore()
        case let .file(path): FilePositionStore(path: path)
        }
    }

    /// The store and the position saved in it, if any.
    func openStore() async throws -> (store: any PositionStore, saved: SavedPosition?) {
        let store = makeStore()
        do {
            return (store, try await store.load())
        } catch {
            throw PipelineError("cannot read the saved position from \(store): \(error)")
        }
    }

    static let keys = ["store", "path", "interval_ms"]

    init(_ positions: ConfigurationMapping) throws(ConfigurationError) {
        let kinds = "memory (forgotten on restart) or file"
        guard let kind = try positions.string("store") else {
            throw positions.missing("store", "where to keep the position: \(kinds)")
        }
        switch kind {
        case "memory":
            // A path is ignored rather than refused, so SLUICE_POSITIONS_STORE=memory can try out a file setup.
            store = .memory
        case "file":
            guard let path = try positions.string("path"), !path.isEmpty else {
                throw positions.missing("path", "the file store needs a file, e.g. ./sluice-data/positions.json")
            }
            store = .file(path: path)
        case "zookeeper", "etcd":
            throw positions.error("store", "\(kind) is not available yet in this version; use \(kinds)")
        default:
            throw positions.error("store", "'\(kind)' is not a position store; use \(kinds)")
        }
        interval = .milliseconds(try positions.integer("interval_ms", atLeast: 1) ?? 1000)
    }
}
