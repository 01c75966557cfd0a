import Foundation
import Operations
import Pipeline
import Positions
import Testing

/// `sluice doctor` against the real servers: the README's setup passes, and each trap fails with
/// its remedy.
@Suite struct DoctorTests {
    static var bareReplicaURL: String {
        TestEnvironment.environment["SLUICE_BARE_REPLICA_URL"] ?? "mysql://sluice:sluice@127.0.0.1:3309"
    }

    private func doctor(_ db: ScratchDatabase, sourceURL: String, configure: (SyncHarness) async throws -> Void = { _ in }) async throws -> DoctorReport {
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        try await configure(harness)
        let report = await Doctor(configuration: try harness.configuration(sourceURL: sourceURL), logger: TestEnvironment.logger).run()
        return report
    }

    @Test func theReadmeServicesPass() async throws {
        let db = try await ScratchDatabase.create("doctor_ok")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20))")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-\(db.name)")
        defer { try? FileManager.default.removeItem(at: directory) }
        // examples/sluice.yml as the README runs it, with the positions in a scratch directory and
        // this test's table selected besides shop's (which scripts/demo creates).
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/sluice.yml").path
        let configuration = try SluiceConfiguration.load(path: example, environment: [
            "SLUICE_MYSQL_PASSWORD": "sluice",
            "SLUICE_SOURCE_URL": TestEnvironment.primaryURL,
            "SLUICE_SOURCE_TABLES": #"shop\..*,\#(db.name)\..*"#,
            "SLUICE_POSITIONS_PATH": directory.appendingPathComponent("data/positions.json").path,
            "SLUICE_SINK_ELASTICSEARCH_URL": SyncHarness.elasticsearchURL,
        ])
        let report = await Doctor(configuration: configuration, logger: TestEnvironment.logger).run()
        #expect(report.passed, "\(report.text)")
        #expect(report.checks.count >= 20)
        #expect(report["replica binlog"]?.outcome == .pass)
        #expect(report["binlog_format"]?.detail == "ROW")
    }

    @Test func aReplicaWithoutLogSlaveUpdatesAndStatementFormatFail() async throws {
        let db = try await ScratchDatabase.create("doctor_bare")
        defer { Task { try? await db.drop() } }
        let report = try await doctor(db, sourceURL: Self.bareReplicaURL)
        #expect(!report.passed)
        let replica = try #require(report["replica binlog"], "\(report.text)")
        #expect(replica.outcome == .fail, "\(report.text)")
        #expect(replica.remedy == "add log_slave_updates=1 under [mysqld] in the replica's my.cnf and restart it (or read from the primary)")
        let format = try #require(report["binlog_format"])
        #expect(format.outcome == .fail)
        #expect(format.detail.hasPrefix("STATEMENT"))
        #expect(format.remedy?.hasPrefix("add binlog_format=ROW under [mysqld] in my.cnf, and run SET GLOBAL binlog_format=ROW") == true)
        // What is right on that server still passes.
        #expect(report["source login"]?.outcome == .pass)
        #expect(report["log_bin"]?.outcome == .pass)
    }

    @Test func aMissingPrivilegeFailsWithTheGrant() async throws {
        let db = try await ScratchDatabase.create("doctor_noprivs")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY)")
        let url = TestEnvironment.primaryURL.replacingOccurrences(of: "//sluice:sluice@", with: "//sluice_noprivs:sluice@")
        let report = try await doctor(db, sourceURL: url)
        let check = try #require(report["replication privileges"], "\(report.text)")
        #expect(check.outcome == .fail, "\(report.text)")
        #expect(check.remedy == "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'sluice_noprivs'@'127.0.0.1';")
        // It may read its tables: that check passes.
        #expect(report["SELECT on the selected tables"]?.outcome == .pass, "\(report.text)")
        #expect(!report.passed)
    }

    @Test func aPurgedPositionFailsWithTheWaysOut() async throws {
        let db = try await ScratchDatabase.create("doctor_purged")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY)")
        let report = try await doctor(db, sourceURL: TestEnvironment.primaryURL) { harness in
            try await FilePositionStore(path: harness.positionsPath).save(SavedPosition(file: "mariadb-bin.000000", offset: 4, timestamp: 0))
        }
        let check = try #require(report["saved position on the server"], "\(report.text)")
        #expect(check.outcome == .fail, "\(report.text)")
        #expect(check.detail.hasPrefix("mariadb-bin.000000:4 is not on"))
        #expect(check.remedy?.contains("sluice position reset --config FILE") == true)
        #expect(check.remedy?.contains("sluice position set earliest --config FILE") == true)
        // Everything else about this setup is right.
        #expect(report.checks.filter { $0.outcome == .fail || $0.outcome == .skip }.map(\.name) == ["saved position on the server"], "\(report.text)")
    }

    /// With a kafka section (capture and apply): the brokers answer and apply's topics exist; a
    /// template no topic matches warns; no broker listening fails with the remedy.
    @Test func kafkaBrokersAndTopicsAreChecked() async throws {
        let db = try await ScratchDatabase.create("doctor_kafka")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY)")
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let kafka = try KafkaHarness(harness, brokers: 1)
        try kafka.cluster.createTopic("sluice.\(db.name).t", partitions: 3)

        let report = await Doctor(configuration: try kafka.configuration(topic: "sluice.{db}.{table}"), logger: TestEnvironment.logger).run()
        #expect(report.passed, "\(report.text)")
        #expect(report["kafka brokers reachable"]?.detail == "1 brokers: \(kafka.cluster.bootstrapServers)", "\(report.text)")
        #expect(report["kafka topics"]?.detail.hasSuffix(": sluice.\(db.name).t (3 partitions)") == true, "\(report.text)")

        let unmatched = await Doctor(configuration: try kafka.configuration(topic: "elsewhere.{table}"), logger: TestEnvironment.logger).run()
        #expect(unmatched["kafka topics"]?.outcome == .warn, "\(unmatched.text)")
        #expect(unmatched["kafka topics"]?.remedy?.contains("kafka-topics.sh --create") == true)

        var nowhere = try kafka.configuration(topic: "sluice.{db}.{table}")
        // Port 1 on loopback: nothing listens there.
        nowhere.kafka?.properties["bootstrap.servers"] = "127.0.0.1:1"
        let refused = await Doctor(configuration: nowhere, logger: TestEnvironment.logger).run()
        #expect(refused["kafka brokers reachable"]?.outcome == .fail, "\(refused.text)")
        #expect(refused["kafka brokers reachable"]?.remedy?.contains("check kafka.brokers") == true)
        #expect(refused["kafka topics"]?.outcome == .skip)
        #expect(!refused.passed)
    }
}
