import Coordination
import Foundation
import Pipeline
import Positions
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two `sluice run` processes with one pipeline name on the real ZooKeeper and etcd: one leads, the other
/// stands by and takes over from the shared position; a deposed leader never moves that position.
@Suite struct HighAvailabilityTests {
    /// How long reading may take to catch up: it reads every other suite's writes to the shared primary too.
    static let catchUp = Duration.seconds(300)

    /// A scratch table, a harness and a configuration file whose positions live in `server`.
    struct Setup {
        let db: ScratchDatabase
        let harness: SyncHarness
        let config: String
        let store: any CoordinatedPositionStore
        let table: String
        /// The configuration's `positions` and `ha` sections, for other configurations of the same pipeline.
        let coordination: String

        static func make(_ label: String, server: CoordinationServer, takeoverSeconds: Int = 3) async throws -> Setup {
            try await server.check()
            let db = try await ScratchDatabase.create(label)
            let table = "`\(db.name)`.t"
            try await db.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, v VARCHAR(40), n INT)")
            let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
            let pipeline = uniquePipelineName(label)
            let config = harness.directory.appendingPathComponent("sluice.yml").path
            let coordination = server.positionsYAML(pipeline: pipeline) + "ha:\n  takeover_seconds: \(takeoverSeconds)\n"
            try harness.yaml(positions: coordination).write(toFile: config, atomically: true, encoding: .utf8)
            return Setup(
                db: db, harness: harness, config: config, store: try server.store(pipeline: pipeline), table: table, coordination: coordination
            )
        }

        func start(_ name: String) throws -> SluiceProcess {
            try SluiceProcess(["run", "--config", config], logPath: harness.directory.appendingPathComponent("\(name).log").path)
        }

        /// Waits until `process` leads the pipeline, as the store records it.
        func waitUntilLeader(_ process: SluiceProcess, _ what: String) async throws {
            try await waitUntil(.seconds(60), what, lastSeen: { "leader \(String(describing: try? await store.leader())); log: \(process.logTail(5))" }) {
                try await store.leader()?.pid == process.pid
            }
        }

        func write(_ count: Int, from first: Int = 0) async throws {
            try await db.writeWorkload(table, count: count, from: first)
        }

        func cleanUp() async {
            try? await store.remove()
            await harness.shutdown()
            try? await db.drop()
        }
    }

    @Test(arguments: CoordinationServer.allCases)
    func theStandbyTakesOverWhenTheLeaderIsKilledMidWorkload(server: CoordinationServer) async throws {
        let setup = try await Setup.make("takeover", server: server)
        defer { Task { await setup.cleanUp() } }
        let first = try setup.start("first")
        defer { first.killIfRunning() }
        try await setup.waitUntilLeader(first, "the first instance to lead")
        let second = try setup.start("second")
        defer { second.killIfRunning() }
        try await waitUntil(.seconds(60), "the second instance to stand by", lastSeen: { second.logTail(5) }) {
            second.logTail(50).contains("standing by")
        }

        try await setup.write(300)
        try await waitUntil(Self.catchUp, "the leader to save a position", lastSeen: { first.logTail(5) }) {
            try await setup.store.load() != nil
        }
        // Killed while the workload goes on.
        async let more: Void = setup.write(300, from: 300)
        first.signal(SIGKILL)
        #expect(try await first.waitForExit(within: .seconds(30), "after SIGKILL") == .signal(SIGKILL))
        try await more
        try await setup.waitUntilLeader(second, "the standby to take over")
        try await setup.write(150, from: 600)

        try await setup.harness.waitUntilCaughtUp(store: setup.store, within: Self.catchUp)
        #expect(try await setup.harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [], "log:\n\(second.logTail())")
        second.signal(SIGTERM)
        #expect(try await second.waitForExit(within: .seconds(30), "after SIGTERM") == .exit(0), "log:\n\(second.logTail())")
        // A leader that stops cleanly gives the leadership up at once.
        #expect(try await setup.store.leader() == nil)
    }

    /// `sluice capture` with a coordinated store is led as `sluice run` is: of two processes one
    /// produces and the other stands by; when the leader is killed, the standby goes on from the shared
    /// position, and apply finds every row in Kafka.
    @Test func theStandbyCaptureTakesOverWhenTheLeaderIsKilled() async throws {
        let setup = try await Setup.make("capture_ha", server: .etcd)
        defer { Task { await setup.cleanUp() } }
        let kafka = try KafkaHarness(setup.harness, brokers: 1)
        let topic = "sluice.\(setup.db.name).t"
        try kafka.cluster.createTopic(topic, partitions: 2)
        let config = setup.harness.directory.appendingPathComponent("capture.yml").path
        try setup.harness.yaml(extra: kafka.section(topic: "sluice.{db}.{table}"), positions: setup.coordination)
            .write(toFile: config, atomically: true, encoding: .utf8)
        func start(_ name: String) throws -> SluiceProcess {
            try SluiceProcess(["capture", "--config", config], logPath: setup.harness.directory.appendingPathComponent("\(name).log").path)
        }
        let first = try start("first")
        defer { first.killIfRunning() }
        try await setup.waitUntilLeader(first, "the first capture to lead")
        let second = try start("second")
        defer { second.killIfRunning() }
        try await waitUntil(.seconds(60), "the second capture to stand by", lastSeen: { second.logTail(5) }) {
            second.logTail(50).contains("standing by")
        }

        try await setup.write(200)
        try await setup.harness.waitUntilCaughtUp(store: setup.store, within: Self.catchUp)
        first.signal(SIGKILL)
        #expect(try await first.waitForExit(within: .seconds(30), "after SIGKILL") == .signal(SIGKILL))
        try await setup.write(200, from: 200)
        try await setup.waitUntilLeader(second, "the standby capture to take over")
        try await setup.harness.waitUntilCaughtUp(store: setup.store, within: Self.catchUp)

        let group = "ha-\(setup.db.name)"
        let apply = setup.harness.start(ApplyPipeline(configuration: try kafka.configuration(topic: "sluice.{db}.{table}", group: group), logger: TestEnvironment.logger))
        try await kafka.waitUntilApplied([topic], partitions: 2, group: group, "apply to settle everything both captures produced")
        #expect(try await setup.harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [], "log:\n\(second.logTail())")
        try await apply.stop()
        second.signal(SIGTERM)
        #expect(try await second.waitForExit(within: .seconds(30), "after SIGTERM") == .exit(0), "log:\n\(second.logTail())")
    }

    @Test(arguments: CoordinationServer.allCases)
    func aLeaderFrozenPastItsSessionDoesNotWriteThePositionWhenItWakes(server: CoordinationServer) async throws {
        let setup = try await Setup.make("frozen", server: server)
        defer { Task { await setup.cleanUp() } }
        let first = try setup.start("first")
        defer {
            first.signal(SIGCONT)
            first.killIfRunning()
        }
        try await setup.waitUntilLeader(first, "the first instance to lead")
        let second = try setup.start("second")
        defer { second.killIfRunning() }
        try await setup.write(200)
        try await setup.harness.waitUntilCaughtUp(store: setup.store, within: Self.catchUp)

        first.signal(SIGSTOP)
        try await setup.waitUntilLeader(second, "the standby to take over from the frozen leader")
        try await setup.write(200, from: 200)
        try await setup.harness.waitUntilCaughtUp(store: setup.store, within: Self.catchUp)
        let saved = try #require(try await setup.store.load())

        first.signal(SIGCONT)
        // It learns that it lost the leadership, stops writing and exits with the reason.
        let exit = try await first.waitForExit(within: .seconds(60), "after SIGCONT, having lost the leadership")
        #expect(exit != .exit(0), "log:\n\(first.logTail())")
        #expect(first.logTail(20).contains("leadership"), "log:\n\(first.logTail())")
        // The shared position is still the new leader's: the old one did not move it back.
        let after = try #require(try await setup.store.load())
        #expect(after.isAtOrAfter(file: saved.file, offset: saved.offset), "the position went back from \(saved) to \(after)")
        #expect(try await setup.store.leader()?.pid == second.pid)

        try await setup.write(100, from: 400)
        try await setup.harness.waitUntilCaughtUp(store: setup.store, within: Self.catchUp)
        #expect(try await setup.harness.assertIndexEqualsTable("t", columns: ["v", "n"]) == [], "log:\n\(second.logTail())")
        second.signal(SIGTERM)
        #expect(try await second.waitForExit(within: .seconds(30), "after SIGTERM") == .exit(0), "log:\n\(second.logTail())")
    }
}

/// The position store going away while the pipeline runs, on a private etcd so no other test loses it.
@Suite struct StoreOutageTests {
    /// A loopback port nothing listens on now: the kernel's pick for a socket bound to port 0.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = Loopback.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw SluiceProcess.Failure("cannot find a free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func anUnreachableStoreHoldsTheCheckpointBackButLosesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-etcd-\(UUID().uuidString.prefix(8))")
        let port = try Self.freePort()
        let services = [
            "SLUICE_SERVICES_DIR": directory.path, "SLUICE_ETCD_PORT": "\(port)", "SLUICE_ETCD_PEER_PORT": "\(try Self.freePort())",
        ]
        try Services.run(["start-etcd"], environment: services)
        defer {
            try? Services.run(["stop-etcd"], environment: services)
            try? FileManager.default.removeItem(at: directory)
        }
        let db = try await ScratchDatabase.create("outage")
        defer { Task { try? await db.drop() } }
        let table = "`\(db.name)`.t"
        try await db.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, v VARCHAR(40))")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let pipeline = uniquePipelineName("outage")
        let store = EtcdPositionStore(endpoints: ["http://127.0.0.1:\(port)"], prefix: "/sluice-test", pipeline: pipeline, lease: .seconds(600))
        let config = harness.directory.appendingPathComponent("sluice.yml").path
        // A takeover time far beyond the test's bounded waits: the outage must not cost the leadership,
        // only the checkpoints, however slowly the shared servers answer.
        try harness.yaml(
            extra: "ha:\n  takeover_seconds: 600",
            positions: "positions:\n  store: etcd\n  etcd: [http://127.0.0.1:\(port)]\n  prefix: /sluice-test\n  pipeline: \(pipeline)\n  interval_ms: 100\n"
        ).write(toFile: config, atomically: true, encoding: .utf8)
        let child = try SluiceProcess(["run", "--config", config], logPath: harness.directory.appendingPathComponent("sluice.log").path)
        defer { child.killIfRunning() }

        try await db.execute("INSERT INTO \(table) VALUES " + (1...50).map { "(\($0), 'a')" }.joined(separator: ","))
        try await harness.waitUntilCaughtUp(store: store, within: HighAvailabilityTests.catchUp)
        let before = try #require(try await store.load())

        try Services.run(["stop-etcd"], environment: services)
        try await db.execute("UPDATE \(table) SET v = 'during the outage' WHERE id <= 25")
        try await db.execute("DELETE FROM \(table) WHERE id > 40")
        // Writes go on reaching the index while checkpoints wait.
        try await waitUntil(HighAvailabilityTests.catchUp, "the index to take the changes made during the outage", lastSeen: { child.logTail(5) }) {
            (try? await harness.assertIndexEqualsTable("t", columns: ["v"])) == []
        }
        try await waitUntil(.seconds(60), "a failed save to be retried", lastSeen: { child.logTail(5) }) {
            child.logTail(200).contains("cannot save the position yet")
        }
        #expect(child.process.isRunning, "log:\n\(child.logTail())")

        try Services.run(["start-etcd"], environment: services)
        try await harness.waitUntilCaughtUp(store: store, within: HighAvailabilityTests.catchUp)
        let after = try #require(try await store.load())
        #expect(after.isAtOrAfter(file: before.file, offset: before.offset) && after != before)
        #expect(try await harness.assertIndexEqualsTable("t", columns: ["v"]) == [])
        child.signal(SIGTERM)
        #expect(try await child.waitForExit(within: .seconds(30), "after SIGTERM") == .exit(0), "log:\n\(child.logTail())")
    }
}
