import ChangeCapture
import Coordination
import Foundation
import Positions

/// Where the checkpoint is kept and how often it is written (`positions`).
public struct PositionsSettings: Sendable, Equatable {
    public enum Store: Sendable, Equatable, CustomStringConvertible {
        /// Kept in memory only: a restart starts over from `start`.
        case memory
        /// Kept in a JSON file at this path, relative to the working directory unless absolute.
        case file(path: String)
        /// Kept in ZooKeeper (`host:port,...`), which also elects the one active instance.
        case zookeeper(ensemble: String, Coordinated)
        /// Kept in etcd (gateway URLs), which also elects the one active instance.
        case etcd(endpoints: [String], Coordinated)

        public var description: String {
            switch self {
            case .memory: "memory"
            case let .file(path): "file \(path)"
            case let .zookeeper(ensemble, coordinated): "zookeeper \(ensemble) \(coordinated)"
            case let .etcd(endpoints, coordinated): "etcd [\(endpoints.joined(separator: ", "))] \(coordinated)"
            }
        }
    }

    /// The shared part of the ZooKeeper and etcd stores.
    public struct Coordinated: Sendable, Equatable, CustomStringConvertible {
        /// The path or key prefix under which pipelines live, e.g. `/sluice`.
        public var prefix: String
        /// The pipeline's name: instances with one name share one position and elect one leader.
        public var pipeline: String
        /// A standby takes over at most about this long after the leader dies (`ha.takeover_seconds`).
        public var takeover: Duration

        public init(prefix: String, pipeline: String, takeover: Duration) {
            self.prefix = prefix
            self.pipeline = pipeline
            self.takeover = takeover
        }

        public var description: String { "\(prefix)/\(pipeline), takeover \(takeover)" }

        /// The session timeout or lease TTL: three quarters of the takeover time, so that the session's
        /// expiry, the server's own expiry rounds and a standby's next try (every lease / 6) all fit in it.
        public var lease: Duration { takeover * 3 / 4 }
    }

    public var store: Store
    /// The checkpoint is written at most this often; a restart replays at most this much, idempotently.
    public var interval: Duration

    /// The store the settings describe. ZooKeeper and etcd stores are `CoordinatedPositionStore`s.
    public func makeStore() throws -> any PositionStore {
        switch store {
        case .memory: MemoryPositionStore()
        case let .file(path): FilePositionStore(path: path)
        case let .zookeeper(ensemble, c):
            try ZooKeeperPositionStore(ensemble: ensemble, prefix: c.prefix, pipeline: c.pipeline, lease: c.lease)
        case let .etcd(endpoints, c):
            EtcdPositionStore(endpoints: endpoints, prefix: c.prefix, pipeline: c.pipeline, lease: c.lease)
        }
    }

    /// `store` (a leader's fenced store) or else the configured one, and the position it holds.
    func open(instead store: (any PositionStore)?) async throws -> (store: any PositionStore, saved: SavedPosition?) {
        let store = try store ?? makeStore()
        do {
            return (store, try await store.load())
        } catch {
            throw PipelineError("cannot read the saved position from \(store): \(error)")
        }
    }

    static let keys = ["store", "path", "interval_ms", "zookeeper", "etcd", "prefix", "pipeline"]

    /// Reads `positions`, with the top-level pipeline `name` and the `ha` settings the coordinated stores use.
    init(_ positions: ConfigurationMapping, name: ConfigurationMapping, ha: ConfigurationMapping) throws(ConfigurationError) {
        let kinds = "memory (forgotten on restart), file, zookeeper or etcd"
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
        case "zookeeper":
            guard let ensemble = try positions.value("zookeeper", Self.parseEnsemble) else {
                throw positions.missing("zookeeper", "the ZooKeeper ensemble as HOST:PORT[,HOST:PORT...], e.g. 127.0.0.1:2181")
            }
            store = .zookeeper(ensemble: ensemble, try Self.coordinated(positions, name: name, ha: ha))
        case "etcd":
            guard let endpoints = try positions.list("etcd", Self.parseEndpoint), !endpoints.isEmpty else {
                throw positions.missing("etcd", "etcd's client URLs, e.g. [http://127.0.0.1:2379]")
            }
            store = .etcd(endpoints: endpoints, try Self.coordinated(positions, name: name, ha: ha))
        default:
            throw positions.error("store", "'\(kind)' is not a position store; use \(kinds)")
        }
        interval = .milliseconds(try positions.integer("interval_ms", atLeast: 1) ?? 1000)
    }

    private static func coordinated(_ positions: ConfigurationMapping, name: ConfigurationMapping, ha: ConfigurationMapping) throws(ConfigurationError) -> Coordinated {
        let prefix = try positions.value("prefix", parsePrefix) ?? "/sluice"
        let fromPositions = try positions.value("pipeline", parsePipelineName)
        let fromRoot = try name.value("name", parsePipelineName)
        if let fromPositions, let fromRoot, fromPositions != fromRoot {
            throw positions.error("pipeline", "'\(fromPositions)' differs from the top-level name '\(fromRoot)'; give the pipeline one name")
        }
        guard let pipeline = fromPositions ?? fromRoot else {
            throw positions.missing(
                "pipeline",
                "a name for this pipeline (or `name:` at the top level): every instance with the same name shares one position and one leader, e.g. orders"
            )
        }
        let takeover = try ha.integer("takeover_seconds", atLeast: 2) ?? 10
        return Coordinated(prefix: prefix, pipeline: pipeline, takeover: .seconds(takeover))
    }

    private static func parseEnsemble(_ text: String) throws(ConfigurationError) -> String {
        let servers = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for server in servers {
            guard let colon = server.lastIndex(of: ":"), colon != server.startIndex, let port = Int(server[server.index(after: colon)...]), (1 ... 65535).contains(port) else {
                throw ConfigurationError("'\(server)' is not a ZooKeeper server; expected HOST:PORT[,HOST:PORT...], e.g. 127.0.0.1:2181")
            }
        }
        guard !servers.isEmpty else { throw ConfigurationError("is empty; expected HOST:PORT[,HOST:PORT...], e.g. 127.0.0.1:2181") }
        return servers.joined(separator: ",")
    }

    private static func parseEndpoint(_ text: String) throws(ConfigurationError) -> String {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.path.isEmpty || url.path == "/" else {
            throw ConfigurationError("'\(text)' is not an etcd client URL; expected http://HOST:PORT, e.g. http://127.0.0.1:2379")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    private static func parsePrefix(_ text: String) throws(ConfigurationError) -> String {
        let trimmed = text.hasSuffix("/") && text.count > 1 ? String(text.dropLast()) : text
        guard trimmed.hasPrefix("/"), trimmed.count > 1, !trimmed.contains("//") else {
            throw ConfigurationError("'\(text)' is not a path prefix; expected an absolute path such as /sluice")
        }
        return trimmed
    }

    private static func parsePipelineName(_ text: String) throws(ConfigurationError) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !text.isEmpty, text.allSatisfy(allowed.contains), text != ".", text != ".." else {
            throw ConfigurationError("'\(text)' is not a pipeline name; use letters, digits, '.', '_' and '-', e.g. orders")
        }
        return text
    }
}
