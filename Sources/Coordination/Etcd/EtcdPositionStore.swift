import Foundation
import Positions

/// Keeps a pipeline's position in etcd under `PREFIX/PIPELINE/position`, as the same JSON a positions file
/// holds; the leader is the key `PREFIX/PIPELINE/leader`, attached to the leader's lease.
///
/// Fencing: while leading, every save is a transaction that writes the position only if the leader key
/// still has the create revision this instance gave it. When the lease ends the key is deleted (and a new
/// leader creates it again at a later revision), so a deposed leader's save can never succeed.
public actor EtcdPositionStore: CoordinatedPositionStore {
    public nonisolated let positionKey: String
    public nonisolated let leaderKey: String
    public nonisolated let lease: Duration
    private let client: EtcdClient
    /// While leading: the lease id and the leader key's create revision.
    private var held: (lease: Int64, revision: Int64)?
    /// Whether this instance campaigned: from then on, saves without `held` are refused rather than unfenced.
    private var campaigned = false

    public init(endpoints: [String], prefix: String, pipeline: String, lease: Duration) {
        let root = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        positionKey = "\(root)/\(pipeline)/position"
        leaderKey = "\(root)/\(pipeline)/leader"
        self.lease = lease
        // Small requests on a near network: a slow answer counts as none, well within the lease.
        client = EtcdClient(endpoints: endpoints, timeout: min(max(lease / 6, .seconds(1)), .seconds(3)))
    }

    public nonisolated var description: String { "etcd \(client.endpoints.joined(separator: ",")) \(positionKey)" }

    public func load() async throws -> SavedPosition? {
        let reply = try await client.call("/v3/kv/range", ["key": EtcdClient.base64(positionKey)])
        guard let value = EtcdClient.firstKeyValue(reply)?["value"] as? String else { return nil }
        do throws(PositionStoreError) {
            guard let data = Data(base64Encoded: value) else { throw PositionStoreError("its value is not base64") }
            return try SavedPosition(json: data)
        } catch {
            throw CoordinationError(
                "the position in etcd \(positionKey) is damaged: \(error.message). Run `sluice position set` "
                    + "to say where to resume, or `sluice position reset` to start from the configured `start`."
            )
        }
    }

    public func save(_ position: SavedPosition) async throws {
        let put: EtcdClient.Object = ["key": EtcdClient.base64(positionKey), "value": try position.json().base64EncodedString()]
        guard let held else {
            guard !campaigned else {
                throw CoordinationError("this instance no longer leads the pipeline (\(leaderKey)), so it does not write the position", kind: .deposed)
            }
            _ = try await client.call("/v3/kv/put", put)
            return
        }
        let reply = try await client.call("/v3/kv/txn", [
            "compare": [["key": EtcdClient.base64(leaderKey), "target": "CREATE", "create_revision": String(held.revision), "result": "EQUAL"]],
            "success": [["request_put": put]],
        ])
        guard reply["succeeded"] as? Bool == true else {
            self.held = nil
            throw CoordinationError("the leader key \(leaderKey) in etcd is no longer this instance's: its lease ended or another instance took over", kind: .deposed)
        }
    }

    public func remove() async throws {
        _ = try await client.call("/v3/kv/deleterange", ["key": EtcdClient.base64(positionKey)])
    }

    public func acquire(as identity: LeaderIdentity) async throws -> Bool {
        campaigned = true
        if try await leaderKeyValue() != nil { return false }
        let granted = try await client.call("/v3/lease/grant", ["TTL": String(max(lease.components.seconds, 2))])
        let leaseID = EtcdClient.integer(granted, "ID")
        guard leaseID != 0 else { throw CoordinationError("etcd granted no lease: \(granted)") }
        let key = EtcdClient.base64(leaderKey)
        let reply = try await client.call("/v3/kv/txn", [
            "compare": [["key": key, "target": "CREATE", "create_revision": "0", "result": "EQUAL"]],
            "success": [["request_put": ["key": key, "value": identity.json().base64EncodedString(), "lease": String(leaseID)]]],
        ])
        guard reply["succeeded"] as? Bool == true else {
            // Another instance was faster; its lease stays, ours is given back.
            _ = try? await client.call("/v3/lease/revoke", ["ID": String(leaseID)])
            return false
        }
        // The transaction's revision is the one at which it created the key.
        held = (leaseID, EtcdClient.integer(reply["header"] as? EtcdClient.Object, "revision"))
        return true
    }

    public func confirm() async throws {
        guard let held else {
            throw CoordinationError("this instance does not lead the pipeline (\(leaderKey))", kind: .deposed)
        }
        let renewed = try await client.call("/v3/lease/keepalive", ["ID": String(held.lease)])
        guard EtcdClient.integer(renewed["result"] as? EtcdClient.Object, "TTL") > 0 else {
            self.held = nil
            throw CoordinationError("etcd ended this instance's lease (it was not renewed in time)", kind: .deposed)
        }
        guard EtcdClient.integer(try await leaderKeyValue(), "create_revision") == held.revision else {
            self.held = nil
            throw CoordinationError("another instance leads now (\(leaderKey) was created again)", kind: .deposed)
        }
    }

    public func leader() async throws -> LeaderIdentity? {
        guard let value = try await leaderKeyValue()?["value"] as? String, let data = Data(base64Encoded: value) else { return nil }
        return try LeaderIdentity(json: data, from: "etcd \(leaderKey)")
    }

    public func resign() async {
        guard let held else { return }
        self.held = nil
        _ = try? await client.call("/v3/lease/revoke", ["ID": String(held.lease)])
    }

    private func leaderKeyValue() async throws -> EtcdClient.Object? {
        EtcdClient.firstKeyValue(try await client.call("/v3/kv/range", ["key": EtcdClient.base64(leaderKey)]))
    }
}
