@testable import Coordination
import Foundation

/// The ZooKeeper and etcd servers of `scripts/services`, from SLUICE_ZOOKEEPER and SLUICE_ETCD_URL.
enum CoordinationServer: String, CaseIterable, Sendable, CustomStringConvertible {
    case zookeeper
    case etcd

    var address: String {
        switch self {
        case .zookeeper: TestEnvironment.environment["SLUICE_ZOOKEEPER"] ?? "127.0.0.1:2181"
        case .etcd: TestEnvironment.environment["SLUICE_ETCD_URL"] ?? "http://127.0.0.1:2379"
        }
    }

    var description: String { rawValue }

    /// A store for `pipeline` under a prefix of its own, so tests never share a position or a leader.
    ///
    /// The lease is long because the stores give each request a sixth of it (at most 3 s) before
    /// counting the server as silent, and under the whole suite's load a lease grant sometimes took
    /// over the 1 s a 4 s lease gives, or the lease ran out between keep-alives (CoordinatedStoreTests,
    /// three times in ten full runs). No test waits for a lease to run out: they end leadership by
    /// resigning or by removing the leader record.
    func store(pipeline: String, prefix: String = "/sluice-test", lease: Duration = .seconds(18)) throws -> any CoordinatedPositionStore {
        switch self {
        case .zookeeper: try ZooKeeperPositionStore(ensemble: address, prefix: prefix, pipeline: pipeline, lease: lease)
        case .etcd: EtcdPositionStore(endpoints: [address], prefix: prefix, pipeline: pipeline, lease: lease)
        }
    }

    /// The `positions` section of a configuration file using this server.
    func positionsYAML(pipeline: String, prefix: String = "/sluice-test") -> String {
        switch self {
        case .zookeeper: "positions:\n  store: zookeeper\n  zookeeper: \(address)\n  prefix: \(prefix)\n  pipeline: \(pipeline)\n  interval_ms: 100\n"
        case .etcd: "positions:\n  store: etcd\n  etcd: [\(address)]\n  prefix: \(prefix)\n  pipeline: \(pipeline)\n  interval_ms: 100\n"
        }
    }

    /// Removes the leader record, as the server does when the leader's session or lease ends.
    func dropLeader(pipeline: String, prefix: String = "/sluice-test") async throws {
        let path = "\(prefix)/\(pipeline)/leader"
        switch self {
        case .zookeeper:
            let session = try ZooKeeperSession(ensemble: address, timeoutMilliseconds: 4000)
            let reply = await session.delete(path, version: -1)
            guard reply.code == 0 else { throw session.failure(reply.code, "deleting \(path)") }
        case .etcd:
            _ = try await EtcdClient(endpoints: [address], timeout: .seconds(4)).call("/v3/kv/deleterange", ["key": EtcdClient.base64(path)])
        }
    }

    /// Fails with the command that starts the server when it does not answer.
    func check() async throws {
        let store = try store(pipeline: "reachability")
        do {
            _ = try await store.load()
        } catch {
            throw CoordinationServerMissing(server: self, error: error)
        }
    }
}

struct CoordinationServerMissing: Error, CustomStringConvertible {
    var server: CoordinationServer
    var error: any Error
    var description: String {
        "cannot reach the test \(server) at \(server.address): \(error). Start the local services with `scripts/services up` "
            + "(or `scripts/services start-\(server)`), or point SLUICE_ZOOKEEPER / SLUICE_ETCD_URL at a server."
    }
}

func uniquePipelineName(_ label: String) -> String {
    "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
}
