import ChangeCapture
import Elasticsearch
import Foundation
import Testing

@testable import Pipeline

@Suite struct PipelineMetricsTests {
    let layout = TableLayout(database: "d", table: "t", columns: ColumnLayout(["id"]), keyColumns: [0])
    let other = TableLayout(database: "d", table: "u", columns: ColumnLayout(["id"]), keyColumns: [0])

    func change(_ operation: RowChange.Operation, _ layout: TableLayout, timestamp: UInt32 = 100) -> RowChange {
        RowChange(
            operation: operation, layout: layout, before: nil, after: [.int(1)],
            position: ChangePosition(file: "b.000001", offset: 4, gtid: nil), timestamp: timestamp
        )
    }

    @Test func rowChangesAreCountedByTableAndOperation() {
        let metrics = PipelineMetrics()
        var chunk = ChangeChunk(
            changes: [change(.insert, layout), change(.insert, layout), change(.update, layout), change(.insert, other), change(.insert, layout)],
            commit: nil
        )
        chunk.events = 7
        chunk.bytes = 700
        metrics.read(chunk)
        let text = String(decoding: metrics.prometheusText(), as: UTF8.self)
        #expect(text.contains(#"sluice_row_changes_total{table="d.t",op="insert"} 3"#))
        #expect(text.contains(#"sluice_row_changes_total{table="d.t",op="update"} 1"#))
        #expect(text.contains(#"sluice_row_changes_total{table="d.u",op="insert"} 1"#))
        #expect(text.contains("sluice_binlog_events_total 7"))
        #expect(text.contains("sluice_binlog_bytes_total 700"))
        let tables = metrics.status(source: try! Self.source(), readyThreshold: 30).tables
        #expect(tables.map(\.name) == ["d.t", "d.u"])
        #expect(tables.map { [$0.inserts, $0.updates, $0.deletes] } == [[3, 1, 0], [1, 0, 0]])
    }

    @Test func bulkOutcomesAreCountedByKind() async throws {
        let metrics = PipelineMetrics()
        let submit = metrics.instrument { operations in
            [.applied, .staleVersion, .retryable(status: 429, reason: "busy"), .retryable(status: 503, reason: "down"),
             .rejected(status: 400, type: "mapper_parsing_exception", reason: "no")].prefix(operations.count).map { $0 }
        }
        let operations = (0..<5).map { BulkOperation.delete(index: "i", id: "\($0)", version: 1) }
        _ = try await submit(operations)
        let text = String(decoding: metrics.prometheusText(), as: UTF8.self)
        #expect(text.contains("sluice_bulk_requests_total 1"))
        #expect(text.contains("sluice_bulk_documents_total 5"))
        #expect(text.contains("sluice_version_conflicts_total 1"))
        #expect(text.contains("sluice_bulk_retries_total 2"))
        #expect(text.contains(#"sluice_elasticsearch_errors_total{kind="http_429"} 1"#))
        #expect(text.contains(#"sluice_elasticsearch_errors_total{kind="http_5xx"} 1"#))
        #expect(text.contains(#"sluice_elasticsearch_errors_total{kind="mapper_parsing_exception"} 1"#))
        #expect(text.contains("sluice_bulk_request_duration_seconds_count 1"))
        // Retryable items mean the sink is not taking writes right now.
        #expect(metrics.readiness(threshold: 30).reasons.contains { $0.hasPrefix("the sink is not accepting writes: HTTP 429") })
    }

    @Test func theQueueReportsLagFreshnessAndDepth() async {
        let metrics = PipelineMetrics()
        let queue = WriteQueue<Checkpoint>(maxBytes: 1 << 20, metrics: metrics)
        let now = Date().timeIntervalSince1970
        // Committed ten seconds ago: the lag is that, give or take the second's resolution.
        let old = UInt32(now) - 10
        let write = DocumentWrite(index: "i", id: "1", version: 1, source: nil, change: change(.delete, layout, timestamp: old))
        await queue.push([write], commit: Checkpoint(position: ReplicationPosition(file: "b.000001", offset: 100), timestamp: old))
        let pending = metrics.status(source: try! Self.source(), readyThreshold: 5)
        #expect(pending.lag.seconds >= 8 && pending.lag.seconds <= 12)
        #expect(!pending.ready)
        #expect(pending.notReady.contains { $0.contains("more than admin.ready_lag_seconds (5)") })
        var text = String(decoding: metrics.prometheusText(), as: UTF8.self)
        #expect(text.contains("sluice_queue_writes 1.0"))
        let batch = await queue.next(maxDocuments: 10, maxBytes: 1 << 20)!
        await queue.complete(batch)
        let settled = metrics.status(source: try! Self.source(), readyThreshold: 5)
        #expect(settled.lag.seconds == 0)
        #expect(settled.freshness?.samples == 1)
        #expect(settled.freshness.map { $0.p50 >= 8 && $0.p50 <= 12 } == true)
        text = String(decoding: metrics.prometheusText(), as: UTF8.self)
        #expect(text.contains("sluice_queue_writes 0.0"))
        #expect(text.contains("sluice_bytes_in_flight 0.0"))
        #expect(text.contains("sluice_freshness_seconds_count 1"))
    }

    @Test func theSavedPositionIsExposed() {
        let metrics = PipelineMetrics()
        metrics.saved(.init(file: "mariadb-bin.000042", offset: 1234, gtidSet: "0-1-9", timestamp: 1_700_000_000))
        metrics.probed(try! Self.source().url, binaryLogs: [("mariadb-bin.000042", 2000), ("mariadb-bin.000043", 500)], serverID: 7)
        let text = String(decoding: metrics.prometheusText(), as: UTF8.self)
        #expect(text.contains("sluice_checkpoint_file_number 42.0"))
        #expect(text.contains("sluice_checkpoint_offset_bytes 1234.0"))
        #expect(text.contains("sluice_checkpoint_timestamp_seconds 1700000000.0"))
        #expect(text.contains("sluice_lag_bytes 1266.0"))
        let status = metrics.status(source: try! Self.source(), readyThreshold: 30)
        #expect(status.position == .init(file: "mariadb-bin.000042", offset: 1234, gtidSet: "0-1-9", timestamp: 1_700_000_000))
        #expect(status.lag.bytes == 1266)
        #expect(status.source.sourceServerID == 7)
    }

    @Test func afterAFailoverTheStatusNamesTheServerReadAndTheLagCountsInItsBinlog() throws {
        let metrics = PipelineMetrics()
        let first = try SourceURL(parsing: "mysql://sluice:secret@127.0.0.1:3310")
        let second = try SourceURL(parsing: "mysql://sluice:secret@127.0.0.1:3311")
        metrics.saved(.init(file: "mariadb-bin.000001", offset: 1000, gtidSet: "0-11-9", timestamp: 0))
        metrics.readingFrom(first)
        metrics.probed(first, binaryLogs: [("mariadb-bin.000001", 1500)], serverID: 11)
        #expect(metrics.status(source: try Self.source(), readyThreshold: 30).source.inUse == first.description)
        #expect(metrics.status(source: try Self.source(), readyThreshold: 30).lag.bytes == 500)

        metrics.readingFrom(second)
        var status = metrics.status(source: try Self.source(), readyThreshold: 30)
        #expect(status.source.inUse == "mysql://sluice:***@127.0.0.1:3311?tls=preferred")
        // The first server's binlog says nothing of a position in the second's.
        #expect(status.lag.bytes == nil)
        #expect(status.source.sourceServerID == nil)
        // A probe of the first server that was under way when reading moved on is dropped.
        metrics.probed(first, binaryLogs: [("mariadb-bin.000001", 1500)], serverID: 11)
        metrics.probeFailed(first, "connection refused")
        status = metrics.status(source: try Self.source(), readyThreshold: 30)
        #expect(status.source.sourceServerID == nil)
        #expect(!status.notReady.contains { $0.contains("connection refused") })
        metrics.probed(second, binaryLogs: [("mariadb-bin.000001", 1200)], serverID: 12)
        status = metrics.status(source: try Self.source(), readyThreshold: 30)
        #expect(status.source.sourceServerID == 12)
        #expect(status.lag.bytes == 200)
    }

    static func source() throws -> SourceSettings {
        try SluiceConfiguration.parse(minimalYAML, file: "test.yml", environment: [:]).source
    }
}

@Suite struct LagAndReadinessTests {
    let logs: [(name: String, size: UInt64)] = [("bin.000007", 1000), ("bin.000008", 300), ("bin.000009", 120)]

    @Test func bytesBehindCountTheRestOfTheFileAndEveryLaterOne() {
        #expect(BinlogLag.bytes(from: ("bin.000007", 400), to: logs) == 600 + 300 + 120)
        #expect(BinlogLag.bytes(from: ("bin.000009", 120), to: logs) == 0)
        #expect(BinlogLag.bytes(from: ("bin.000009", 100), to: logs) == 20)
        // Ahead of a probe taken earlier: nothing behind.
        #expect(BinlogLag.bytes(from: ("bin.000009", 200), to: logs) == 0)
        #expect(BinlogLag.bytes(from: ("bin.000010", 4), to: logs) == 0)
        // Purged, or another server's file: unknown.
        #expect(BinlogLag.bytes(from: ("bin.000003", 4), to: logs) == nil)
    }

    @Test func secondsBehindAreFromTheOldestUnacknowledgedCommit() {
        #expect(BinlogLag.seconds(now: 1000.5, oldestPendingCommit: 990.25) == 10.25)
        #expect(BinlogLag.seconds(now: 1000, oldestPendingCommit: nil) == 0)
        #expect(BinlogLag.seconds(now: 1000, oldestPendingCommit: 1001) == 0)
    }

    @Test func commitTimeIsTheEarlierOfTheSecondsEndAndTheQueueing() {
        // Queued 30 ms into the commit's second: that bounds it.
        #expect(BinlogLag.commitTime(timestamp: 100, queuedAt: 100.03) == 100.03)
        // Queued much later (behind): the end of the commit's second bounds it.
        #expect(BinlogLag.commitTime(timestamp: 100, queuedAt: 250) == 101)
    }

    @Test func readinessNamesEveryReason() {
        #expect(Readiness(started: true, sourceError: nil, sinkError: nil, snapshot: nil, lagSeconds: 3, threshold: 30).isReady)
        let not = Readiness(started: false, sourceError: "refused", sinkError: "HTTP 503: down", snapshot: (2, 5), lagSeconds: 45.5, threshold: 30)
        #expect(not.reasons == [
            "not started: connecting to the source and the sink",
            "the source is not reachable: refused",
            "the sink is not accepting writes: HTTP 503: down",
            "the initial snapshot is running: 2 of 5 tables copied",
            "45.5 s behind the source, more than admin.ready_lag_seconds (30)",
        ])
    }

    @Test func freshnessQuantilesAreNearestRank() {
        let samples = (1...200).map { Double($0) / 1000 }.shuffled()
        let freshness = PipelineStatus.Freshness(samples: samples)
        #expect(freshness?.p50 == 0.1)
        #expect(freshness?.p99 == 0.198)
        #expect(freshness?.samples == 200)
        #expect(PipelineStatus.Freshness(samples: []) == nil)
    }
}
