import Coordination
import Foundation
import Positions
import Testing

/// The ZooKeeper and etcd position stores against the real servers: the same JSON as a file, leader
/// election, and fencing of a deposed leader.
@Suite struct CoordinatedStoreTests {
    static let position = SavedPosition(file: "mariadb-bin.000007", offset: 4242, gtidSet: "0-1-99", timestamp: 1_700_000_000)

    @Test(arguments: CoordinationServer.allCases)
    func loadsSavesAndRemovesThePosition(server: CoordinationServer) async throws {
        try await server.check()
        let pipeline = uniquePipelineName("crud")
        let store = try server.store(pipeline: pipeline)
        #expect(try await store.load() == nil)
        try await store.save(Self.position)
        #expect(try await store.load() == Self.position)
        var moved = Self.position
        moved.offset = 5000
        moved.snapshot = SnapshotProgress(binlogFile: "mariadb-bin.000007", binlogOffset: 4, tables: ["shop.orders"], current: "shop.orders", lastKey: ["7"])
        try await store.save(moved)
        // Another process (a fresh session) reads what was saved.
        #expect(try await server.store(pipeline: pipeline).load() == moved)
        try await store.remove()
        #expect(try await store.load() == nil)
    }

    @Test(arguments: CoordinationServer.allCases)
    func electsOneLeaderAndFencesTheOneThatResigned(server: CoordinationServer) async throws {
        try await server.check()
        let pipeline = uniquePipelineName("fence")
        let first = try server.store(pipeline: pipeline)
        let second = try server.store(pipeline: pipeline)
        let firstIdentity = LeaderIdentity(host: "test", pid: 1, instance: "first")
        let secondIdentity = LeaderIdentity(host: "test", pid: 2, instance: "second")

        #expect(try await first.acquire(as: firstIdentity))
        #expect(try await !second.acquire(as: secondIdentity))
        #expect(try await second.leader() == firstIdentity)
        try await first.confirm()
        try await first.save(Self.position)

        await first.resign()
        #expect(try await second.acquire(as: secondIdentity))
        #expect(try await first.leader() == secondIdentity)
        // The old leader's save is refused and the shared position stays where the new leader found it.
        var stale = Self.position
        stale.offset = 9999
        await #expect(throws: CoordinationError.self) { try await first.save(stale) }
        #expect(try await second.load() == Self.position)
        var next = Self.position
        next.offset = 8000
        try await second.save(next)
        #expect(try await first.load() == next)
        await second.resign()
    }

    @Test(arguments: CoordinationServer.allCases)
    func aLeaderWhoseLeadershipWasTakenIsDeposedAndCannotSave(server: CoordinationServer) async throws {
        try await server.check()
        let pipeline = uniquePipelineName("taken")
        let leader = try server.store(pipeline: pipeline)
        #expect(try await leader.acquire(as: LeaderIdentity(host: "test", pid: 1, instance: "old")))
        try await leader.save(Self.position)
        // What the store does when the leader's session or lease ends: the leader record goes away.
        try await server.dropLeader(pipeline: pipeline)
        let successor = try server.store(pipeline: pipeline)
        #expect(try await successor.acquire(as: LeaderIdentity(host: "test", pid: 2, instance: "new")))

        let error = try await #require(throws: CoordinationError.self) { try await leader.confirm() }
        #expect(error.kind == .deposed)
        var stale = Self.position
        stale.offset = 1
        await #expect(throws: CoordinationError.self) { try await leader.save(stale) }
        #expect(try await successor.load() == Self.position)
        let reason = try await leader.watchLeadership()
        #expect(reason.kind == .deposed)
        await successor.resign()
    }
}
