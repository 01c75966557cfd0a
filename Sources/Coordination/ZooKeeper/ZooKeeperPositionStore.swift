import CZooKeeper
import Foundation
import Positions

/// Keeps a pipeline's position in ZooKeeper, at `PREFIX/PIPELINE/position`, as the same JSON a positions
/// file holds; the leader is the ephemeral node `PREFIX/PIPELINE/leader`, owned by the leader's session.
///
/// Fencing is the position znode's version: on taking over, the new leader rewrites the position (same
/// data), bumping the version; every save after that sets the data only if the version is still the one
/// it last wrote. A deposed leader's save therefore fails even if it was frozen (SIGSTOP) across the
/// takeover and its write reaches the server later. Its session has expired by then as well, which
/// ZooKeeper refuses on its own.
public actor ZooKeeperPositionStore: CoordinatedPositionStore {
    public nonisolated let positionPath: String
    public nonisolated let leaderPath: String
    public nonisolated let lease: Duration
    private let session: ZooKeeperSession
    /// Whether saves are fenced: not before a campaign (`sluice position set`), then by the position
    /// znode's version after this instance's last write, and refused once the leadership ended.
    private var fence = Fence.none

    private enum Fence: Equatable {
        case none
        case version(Int32)
        case ended
    }

    /// Connects to `ensemble` (`host:port,...`). `lease` is the session timeout asked for.
    public init(ensemble: String, prefix: String, pipeline: String, lease: Duration) throws(CoordinationError) {
        let root = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        positionPath = "\(root)/\(pipeline)/position"
        leaderPath = "\(root)/\(pipeline)/leader"
        self.lease = lease
        let milliseconds = lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000
        session = try ZooKeeperSession(ensemble: ensemble, timeoutMilliseconds: Int32(clamping: milliseconds))
    }

    public nonisolated var description: String { "zookeeper \(session.ensemble) \(positionPath)" }

    public func load() async throws -> SavedPosition? {
        let reply = await session.get(positionPath)
        if reply.code == ZNONODE.rawValue { return nil }
        guard reply.code == ZOK.rawValue, let node = reply.node else { throw session.failure(reply.code, "reading \(positionPath)") }
        // A leader that took over before any position was saved leaves the node empty.
        guard !node.data.isEmpty else { return nil }
        do throws(PositionStoreError) {
            return try SavedPosition(json: Data(node.data))
        } catch {
            throw CoordinationError(
                "the position in ZooKeeper \(positionPath) is damaged: \(error.message). Run `sluice position set` "
                    + "to say where to resume, or `sluice position reset` to start from the configured `start`."
            )
        }
    }

    public func save(_ position: SavedPosition) async throws {
        try await write(Array(try position.json()))
    }

    public func remove() async throws {
        let reply = await session.delete(positionPath, version: -1)
        guard reply.code == ZOK.rawValue || reply.code == ZNONODE.rawValue else {
            throw session.failure(reply.code, "removing \(positionPath)")
        }
    }

    /// Writes the position node: fenced while leading, otherwise (for `sluice position set`) unconditionally.
    private func write(_ data: [UInt8]) async throws {
        let expected: Int32
        switch fence {
        case .none: expected = -1
        case let .version(version): expected = version
        case .ended: throw CoordinationError("this instance no longer leads the pipeline (\(leaderPath)), so it does not write the position", kind: .deposed)
        }
        let reply = await session.set(positionPath, data, version: expected)
        if reply.code == ZOK.rawValue, let node = reply.node {
            if fence != .none { fence = .version(node.version) }
            return
        }
        if fence != .none, reply.code == ZBADVERSION.rawValue || reply.code == ZNONODE.rawValue {
            fence = .ended
            throw CoordinationError(
                "the position in ZooKeeper \(positionPath) was changed by another instance (or removed), so this one is no longer the leader",
                kind: .deposed
            )
        }
        guard reply.code == ZNONODE.rawValue else { throw session.failure(reply.code, "writing \(positionPath)") }
        try await session.createParents(of: positionPath)
        let created = await session.create(positionPath, data, ephemeral: false)
        guard created.code == ZOK.rawValue else { throw session.failure(created.code, "creating \(positionPath)") }
    }

    public func acquire(as identity: LeaderIdentity) async throws -> Bool {
        try await session.createParents(of: leaderPath)
        let created = await session.create(leaderPath, Array(identity.json()), ephemeral: true)
        if created.code == ZNODEEXISTS.rawValue {
            // Ours when an earlier attempt's reply was lost after the server created it.
            guard try await leaderNode()?.ephemeralOwner == session.sessionID else { return false }
        } else if created.code != ZOK.rawValue {
            throw session.failure(created.code, "creating the leader node \(leaderPath)")
        }
        try await claimPosition()
        return true
    }

    /// Bumps the position node's version, so that saves of any earlier leader fail from now on.
    private func claimPosition() async throws {
        while true {
            let current = await session.get(positionPath)
            if current.code == ZNONODE.rawValue {
                try await session.createParents(of: positionPath)
                let created = await session.create(positionPath, [], ephemeral: false)
                if created.code == ZNODEEXISTS.rawValue { continue }
                guard created.code == ZOK.rawValue else { throw session.failure(created.code, "creating \(positionPath)") }
                fence = .version(0)
                return
            }
            guard current.code == ZOK.rawValue, let node = current.node else { throw session.failure(current.code, "reading \(positionPath)") }
            let claimed = await session.set(positionPath, node.data, version: node.version)
            if claimed.code == ZBADVERSION.rawValue { continue }
            guard claimed.code == ZOK.rawValue, let claimedNode = claimed.node else { throw session.failure(claimed.code, "claiming \(positionPath)") }
            fence = .version(claimedNode.version)
            return
        }
    }

    public func confirm() async throws {
        guard !session.isExpired else {
            throw CoordinationError("ZooKeeper (\(session.ensemble)) expired this instance's session", kind: .deposed)
        }
        guard let node = try await leaderNode() else {
            throw CoordinationError("the leader node \(leaderPath) is gone: this instance's session ended", kind: .deposed)
        }
        guard node.ephemeralOwner == session.sessionID else {
            throw CoordinationError("another instance leads now (\(leaderPath) belongs to another session)", kind: .deposed)
        }
    }

    public func leader() async throws -> LeaderIdentity? {
        guard let node = try await leaderNode() else { return nil }
        return try LeaderIdentity(json: Data(node.data), from: "ZooKeeper \(leaderPath)")
    }

    public func resign() async {
        fence = .ended
        if let node = try? await leaderNode(), node.ephemeralOwner == session.sessionID {
            _ = await session.delete(leaderPath, version: node.version)
        }
    }

    private func leaderNode() async throws -> ZooKeeperSession.Node? {
        let reply = await session.get(leaderPath)
        if reply.code == ZNONODE.rawValue { return nil }
        guard reply.code == ZOK.rawValue else { throw session.failure(reply.code, "reading the leader node \(leaderPath)") }
        return reply.node
    }
}
