import AsyncHTTPClient
import ChangeCapture
import Foundation
import NIOCore
import Pipeline
import TestSupport
import Testing

/// The admin API of a running pipeline: `/metrics`, `/status`, `/ready` and `/health` after a known
/// workload, and the bearer token.
@Suite struct AdminAPITests {
    @Test func metricsAndStatusCountAKnownWorkload() async throws {
        let db = try await ScratchDatabase.create("admin")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(20))")
        try await db.execute("CREATE TABLE `\(db.name)`.bad (id INT PRIMARY KEY, v VARCHAR(20))")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        // An index whose mapping refuses the table's text: its document is dead-lettered.
        try await harness.client.ensureIndex("\(db.name).bad", mappings: ByteBuffer(string: #"{"properties":{"v":{"type":"long"}}}"#))
        let token = "t0ken-\(UInt32.random(in: 1...UInt32.max))"
        let configuration = try SluiceConfiguration.parse(harness.yaml(intervalMS: 300), file: "test.yml", environment: ["SLUICE_ADMIN_TOKEN": token])
        let pipeline = harness.run(configuration)
        let api = AdminAPI(port: await (try #require(pipeline.admin)).port(), token: token)

        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')")
        try await db.execute("UPDATE `\(db.name)`.t SET v = 'x' WHERE id <= 2")
        try await db.execute("DELETE FROM `\(db.name)`.t WHERE id = 5")
        try await db.execute("INSERT INTO `\(db.name)`.bad VALUES (1,'abc')")
        try await harness.waitUntilCaughtUp()

        let metrics = try await api.metrics()
        let t = "\(db.name).t", bad = "\(db.name).bad"
        #expect(metrics.value("sluice_row_changes_total", ["table": t, "op": "insert"]) == 5)
        #expect(metrics.value("sluice_row_changes_total", ["table": t, "op": "update"]) == 2)
        #expect(metrics.value("sluice_row_changes_total", ["table": t, "op": "delete"]) == 1)
        #expect(metrics.value("sluice_row_changes_total", ["table": bad, "op": "insert"]) == 1)
        // One write per row per transaction: 5 + 2 + 1; the refused one is a dead letter, not a document.
        #expect(metrics.value("sluice_documents_written_total", ["table": t]) == 8)
        #expect(metrics.value("sluice_documents_written_total", ["table": bad]) == nil)
        #expect(metrics.value("sluice_dead_letters_total", ["table": bad]) == 1)
        #expect(metrics.value("sluice_elasticsearch_errors_total", ["kind": "mapper_parsing_exception"]) == 1)
        // Each of the four transactions with changes was acknowledged once; other tests' transactions
        // (other databases) carry no changes and no commit time.
        #expect(metrics.value("sluice_freshness_seconds_count", [:]) == 4)
        #expect(metrics.value("sluice_version_conflicts_total", [:]) == 0)
        #expect((metrics.value("sluice_bulk_requests_total", [:]) ?? 0) >= 1)
        #expect((metrics.value("sluice_bulk_documents_total", [:]) ?? 0) >= 9)
        #expect((metrics.value("sluice_bulk_request_duration_seconds_count", [:]) ?? 0) >= 1)
        #expect((metrics.value("sluice_binlog_events_total", [:]) ?? 0) >= 16)
        #expect((metrics.value("sluice_binlog_bytes_total", [:]) ?? 0) > 0)
        for series in ["sluice_checkpoint_file_number", "sluice_checkpoint_offset_bytes", "sluice_checkpoint_timestamp_seconds",
                       "sluice_lag_seconds", "sluice_queue_writes", "sluice_bytes_in_flight", "sluice_bulk_retries_total"] {
            #expect(metrics.value(series, [:]) != nil, "\(series) is missing")
        }

        // The status names the position the store holds. Other tests' transactions move it on, so it
        // is read first and the store just after, well within the positions interval.
        try await waitUntil(.seconds(60), "/status to show the saved position") {
            guard let position = try await api.status().position, let saved = try await harness.savedPosition() else { return false }
            return position.file == saved.file && position.offset == saved.offset && position.gtidSet == saved.gtidSet
                && position.timestamp == saved.timestamp
        }
        try await waitUntil(.seconds(30), "the probe to report the lag in bytes") { try await api.status().lag.bytes != nil }
        let status = try await api.status()
        #expect(status.source.url.contains(":***@"))
        #expect(!status.source.url.contains(":sluice@"))
        #expect(status.source.serverID == configuration.source.serverID)
        #expect(status.source.sourceServerID != nil)
        let tables = Dictionary(uniqueKeysWithValues: status.tables.map { ($0.name, $0) })
        #expect(tables[t].map { [$0.inserts, $0.updates, $0.deletes, $0.documents, $0.deadLetters] } == [5, 2, 1, 8, 0])
        #expect(tables[bad].map { [$0.inserts, $0.documents, $0.deadLetters] } == [1, 0, 1])
        #expect(status.freshness?.samples == 4)
        // At least the dead-lettered change was logged as an error (a later warning may have followed it).
        #expect(status.lastError != nil)

        try await waitUntil(.seconds(30), "/ready to answer 200", lastSeen: { (try? await api.get("/ready").body) ?? "" }) {
            try await api.get("/ready").status == 200
        }
        #expect(try await api.get("/health").status == 200)
        try await pipeline.stop()
    }

    @Test func snapshotProgressIsCountedPerTable() async throws {
        let db = try await ScratchDatabase.create("adminsnap")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.a (id INT PRIMARY KEY, v INT)")
        try await db.execute("CREATE TABLE `\(db.name)`.b (id INT PRIMARY KEY, v INT)")
        try await db.execute("INSERT INTO `\(db.name)`.a VALUES " + (1...30).map { "(\($0), \($0))" }.joined(separator: ","))
        try await db.execute("INSERT INTO `\(db.name)`.b VALUES (1, 1), (2, 2)")
        let harness = try SyncHarness.make(db, start: .latest)
        defer { Task { await harness.shutdown() } }
        let pipeline = harness.run(try harness.configuration(start: "snapshot", extra: "snapshot: {chunk_size: 7}"))
        let api = AdminAPI(port: await (try #require(pipeline.admin)).port(), token: nil)
        try await harness.waitUntilCaughtUp()
        let metrics = try await api.metrics()
        #expect(metrics.value("sluice_snapshot_rows_copied_total", ["table": "\(db.name).a"]) == 30)
        #expect(metrics.value("sluice_snapshot_rows_copied_total", ["table": "\(db.name).b"]) == 2)
        #expect(metrics.value("sluice_snapshot_tables_done", [:]) == 2)
        #expect(metrics.value("sluice_snapshot_tables_total", [:]) == 2)
        #expect(metrics.value("sluice_snapshot_rows_estimated", ["table": "\(db.name).a"]) != nil)
        // Snapshot rows are documents written, not row changes read from the binlog.
        #expect(metrics.value("sluice_documents_written_total", ["table": "\(db.name).a"]) == 30)
        #expect(metrics.value("sluice_row_changes_total", ["table": "\(db.name).a", "op": "insert"]) == nil)
        let status = try await api.status()
        #expect(status.snapshot == nil)
        #expect(status.tables.first { $0.name == "\(db.name).a" }?.snapshotRows == 30)
        try await pipeline.stop()
    }

    @Test func everyEndpointWantsTheToken() async throws {
        let db = try await ScratchDatabase.create("admintoken")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY)")
        let harness = try SyncHarness.make(db, start: try await db.binlogEnd())
        defer { Task { await harness.shutdown() } }
        let configuration = try SluiceConfiguration.parse(harness.yaml(), file: "test.yml", environment: ["SLUICE_ADMIN_TOKEN": "right"])
        let pipeline = harness.run(configuration)
        let port = await (try #require(pipeline.admin)).port()
        for path in ["/metrics", "/status", "/ready", "/health"] {
            #expect(try await AdminAPI(port: port, token: nil).get(path).status == 401, "\(path) without a token")
            #expect(try await AdminAPI(port: port, token: "wrong").get(path).status == 401, "\(path) with a wrong token")
            #expect(try await AdminAPI(port: port, token: "right").get(path).status != 401, "\(path) with the token")
        }
        try await pipeline.stop()
    }
}

/// A client of the admin API on loopback.
struct AdminAPI {
    let port: Int
    let token: String?

    func get(_ path: String) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, String(buffer: body))
    }

    func status() async throws -> PipelineStatus {
        let (code, body) = try await get("/status")
        guard code == 200 else { throw AdminAPIError(description: "/status answered \(code): \(body)") }
        return try PipelineStatus.decoder().decode(PipelineStatus.self, from: Data(body.utf8))
    }

    func metrics() async throws -> PrometheusText {
        let (code, body) = try await get("/metrics")
        guard code == 200 else { throw AdminAPIError(description: "/metrics answered \(code): \(body)") }
        return PrometheusText(body)
    }

    struct AdminAPIError: Error, CustomStringConvertible { var description: String }
}

/// The samples of a Prometheus text exposition.
struct PrometheusText {
    var samples: [(name: String, labels: [String: String], value: Double)] = []

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), series.hasSuffix("}") {
                name = String(series[..<open])
                let inner = series[series.index(after: open)..<series.index(before: series.endIndex)]
                // Label values here hold no commas or quotes.
                for pair in inner.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { labels[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                }
            }
            samples.append((name, labels, value))
        }
    }

    /// The value of the series with exactly these labels, or nil when there is none.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}
