import ChangeCapture
import CoreMetrics
import Elasticsearch
import Foundation
import Positions
import Prometheus
import Synchronization

/// Everything the pipeline measures, behind one small interface it calls once per chunk, batch or
/// request (never per byte or per row), for `/metrics` (Prometheus text) and `/status`.
///
/// The series are swift-metrics handles made by a `PrometheusMetricsFactory` over a registry of this
/// instance's own, not the process-wide bootstrap, so that two pipelines in one process (tests)
/// count apart. Names and meanings are listed in the README ("Metrics").
public final class PipelineMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let eventsRead: CoreMetrics.Counter
    private let bytesRead: CoreMetrics.Counter
    private let bulkRequests: CoreMetrics.Counter
    private let bulkDocuments: CoreMetrics.Counter
    private let bulkDuration: CoreMetrics.Timer
    private let retries: CoreMetrics.Counter
    private let versionConflicts: CoreMetrics.Counter
    private let checkpointFile: CoreMetrics.Gauge
    private let checkpointOffset: CoreMetrics.Gauge
    private let checkpointTimestamp: CoreMetrics.Gauge
    private let lagSeconds: CoreMetrics.Gauge
    private let lagBytes: CoreMetrics.Gauge
    private let freshness: CoreMetrics.Timer
    private let queueWrites: CoreMetrics.Gauge
    private let bytesInFlight: CoreMetrics.Gauge
    private let snapshotTablesDone: CoreMetrics.Gauge
    private let snapshotTablesTotal: CoreMetrics.Gauge
    private let state = Mutex(State())

    /// How many recent freshness samples the quantiles of `/status` are over.
    static let freshnessWindow = 4096

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "sluice_bulk_request_duration_seconds": [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000].map { .milliseconds($0) },
            "sluice_freshness_seconds": [10, 25, 50, 100, 150, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300_000].map { .milliseconds($0) },
        ]
        self.registry = registry
        self.factory = factory
        eventsRead = .init(label: "sluice_binlog_events_total", factory: factory)
        bytesRead = .init(label: "sluice_binlog_bytes_total", factory: factory)
        bulkRequests = .init(label: "sluice_bulk_requests_total", factory: factory)
        bulkDocuments = .init(label: "sluice_bulk_documents_total", factory: factory)
        bulkDuration = .init(label: "sluice_bulk_request_duration_seconds", factory: factory)
        retries = .init(label: "sluice_bulk_retries_total", factory: factory)
        versionConflicts = .init(label: "sluice_version_conflicts_total", factory: factory)
        checkpointFile = .init(label: "sluice_checkpoint_file_number", factory: factory)
        checkpointOffset = .init(label: "sluice_checkpoint_offset_bytes", factory: factory)
        checkpointTimestamp = .init(label: "sluice_checkpoint_timestamp_seconds", factory: factory)
        lagSeconds = .init(label: "sluice_lag_seconds", factory: factory)
        lagBytes = .init(label: "sluice_lag_bytes", factory: factory)
        freshness = .init(label: "sluice_freshness_seconds", factory: factory)
        queueWrites = .init(label: "sluice_queue_writes", factory: factory)
        bytesInFlight = .init(label: "sluice_bytes_in_flight", factory: factory)
        snapshotTablesDone = .init(label: "sluice_snapshot_tables_done", factory: factory)
        snapshotTablesTotal = .init(label: "sluice_snapshot_tables_total", factory: factory)
    }

    // MARK: Reading

    /// A chunk read from the binlog: its events and bytes, and its row changes by table and operation.
    func read(_ chunk: ChangeChunk) {
        eventsRead.increment(by: Int64(chunk.events))
        bytesRead.increment(by: Int64(chunk.bytes))
        guard let first = chunk.changes.first else { return }
        // Runs of one table and operation, so the counters are touched once per run, not per row.
        var runs: [(layout: TableLayout, operation: RowChange.Operation, count: Int)] = [(first.layout, first.operation, 0)]
        for change in chunk.changes {
            if change.layout === runs[runs.count - 1].layout, change.operation == runs[runs.count - 1].operation {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((change.layout, change.operation, 1))
            }
        }
        state.withLock { state in
            for run in runs {
                let table = "\(run.layout.database).\(run.layout.table)"
                state.tables[table, default: .init(name: table)].count(run.operation, run.count)
                state.counter("sluice_row_changes_total", [("table", table), ("op", run.operation.rawValue)], factory).increment(by: Int64(run.count))
            }
        }
    }

    // MARK: Writing

    /// `submit`, counting requests, documents, latency, errors by kind, retried operations and 409s.
    public func instrument(_ submit: @escaping BulkWriter.Submit) -> BulkWriter.Submit {
        { [self] operations in
            let start = ContinuousClock.now
            bulkRequests.increment()
            bulkDocuments.increment(by: Int64(operations.count))
            do {
                let outcomes = try await submit(operations)
                bulkDuration.recordNanoseconds(Self.nanoseconds(since: start))
                var retryable = 0
                var conflicts = 0
                var errors: [String: Int] = [:]
                var firstRetry: String?
                for outcome in outcomes {
                    switch outcome {
                    case .applied: break
                    case .staleVersion: conflicts += 1
                    case let .retryable(status, reason):
                        retryable += 1
                        errors[Self.statusKind(status), default: 0] += 1
                        firstRetry = firstRetry ?? "HTTP \(status): \(reason)"
                    case let .rejected(_, type, _):
                        errors[type.isEmpty ? "rejected" : type, default: 0] += 1
                    }
                }
                if retryable > 0 { retries.increment(by: Int64(retryable)) }
                if conflicts > 0 { versionConflicts.increment(by: Int64(conflicts)) }
                state.withLock { state in
                    for (kind, count) in errors { state.counter("sluice_elasticsearch_errors_total", [("kind", kind)], factory).increment(by: Int64(count)) }
                    state.sinkError = firstRetry
                }
                return outcomes
            } catch {
                bulkDuration.recordNanoseconds(Self.nanoseconds(since: start))
                let kind: String
                if let error = error as? ElasticsearchError {
                    kind = error.status.map(Self.statusKind) ?? error.kind.description.replacingOccurrences(of: " ", with: "_")
                    if error.isRetryable { retries.increment(by: Int64(operations.count)) }
                } else {
                    kind = error is CancellationError ? "cancelled" : "other"
                }
                state.withLock { state in
                    state.counter("sluice_elasticsearch_errors_total", [("kind", kind)], factory).increment()
                    state.sinkError = "\(error)"
                }
                throw error
            }
        }
    }

    private static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = start.duration(to: .now).components
        return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
    }

    private static func statusKind(_ status: Int) -> String {
        status == 429 ? "http_429" : "http_\(status / 100)xx"
    }

    /// The sink settled a batch: documents written per table, and those dead-lettered.
    func settled(_ writes: [DocumentWrite], _ outcomes: [SettledBulkOutcome]) {
        var written: [String: (documents: UInt64, deadLetters: UInt64)] = [:]
        var previous: (layout: TableLayout, name: String)?
        for (write, outcome) in zip(writes, outcomes) {
            let layout = write.change.layout
            let name = previous.flatMap { $0.layout === layout ? $0.name : nil } ?? "\(layout.database).\(layout.table)"
            previous = (layout, name)
            if case .rejected = outcome {
                written[name, default: (0, 0)].deadLetters += 1
            } else {
                written[name, default: (0, 0)].documents += 1
            }
        }
        state.withLock { state in
            for (table, counts) in written {
                if counts.documents > 0 {
                    state.tables[table, default: .init(name: table)].documents += counts.documents
                    state.counter("sluice_documents_written_total", [("table", table)], factory).increment(by: Int64(counts.documents))
                }
                if counts.deadLetters > 0 { state.deadLettered(table, counts.deadLetters, factory) }
            }
        }
    }

    /// A change that could not become a document went to the dead-letter file.
    func deadLettered(_ change: RowChange) {
        state.withLock { $0.deadLettered("\(change.database).\(change.table)", 1, factory) }
    }

    /// The write queue's state after a push, a batch cut or a batch settled.
    /// - Parameters:
    ///   - oldestPending: the commit time (see `BinlogLag.commitTime`) of the oldest transaction whose
    ///     writes are not all settled.
    ///   - acknowledged: commit times of the transactions that have just become durable.
    func queue(waiting: Int, bytes: Int, oldestPending: Double?, acknowledged: [Double]) {
        queueWrites.record(waiting)
        bytesInFlight.record(bytes)
        let now = Date().timeIntervalSince1970
        for commit in acknowledged {
            freshness.recordNanoseconds(Int64(max(0, now - commit) * 1e9))
        }
        state.withLock { state in
            state.oldestPending = oldestPending
            for commit in acknowledged { state.remember(freshness: max(0, now - commit)) }
        }
    }

    /// The checkpoint was saved.
    func saved(_ position: SavedPosition) {
        checkpointFile.record(Double(DocumentVersion.fileSequence(position.file)))
        checkpointOffset.record(Double(position.offset))
        checkpointTimestamp.record(Double(position.timestamp))
        state.withLock { $0.saved = position }
    }

    /// Connected to the source and the sink, and about to read.
    func started() {
        state.withLock { $0.started = true }
    }

    // MARK: Snapshot

    func snapshotBegan(tables: [String], completed: [String]) {
        snapshotTablesTotal.record(tables.count)
        snapshotTablesDone.record(completed.count)
        state.withLock { $0.snapshot = (completed.count, tables.count) }
    }

    func snapshotEstimate(table: String, rows: UInt64) {
        state.withLock { state in
            state.tables[table, default: .init(name: table)].snapshotEstimate = rows
            state.gauge("sluice_snapshot_rows_estimated", [("table", table)], factory).record(Double(rows))
        }
    }

    func snapshotCopied(table: String, rows: Int, tableDone: Bool) {
        state.withLock { state in
            state.tables[table, default: .init(name: table)].snapshotRows += UInt64(rows)
            state.counter("sluice_snapshot_rows_copied_total", [("table", table)], factory).increment(by: Int64(rows))
            if tableDone, let progress = state.snapshot {
                state.snapshot = (progress.done + 1, progress.total)
                snapshotTablesDone.record(progress.done + 1)
            }
        }
    }

    func snapshotFinished() {
        state.withLock { $0.snapshot = nil }
    }

    // MARK: Kafka

    /// `sluice capture`'s deliveries: messages produced so far, those Kafka has not confirmed, and
    /// the commit time of the oldest transaction not yet confirmed (the lag in seconds).
    func produced(_ produced: UInt64, unconfirmed: UInt64, oldestPendingCommit: Double?) {
        state.withLock { state in
            let previous = state.kafka?.produced ?? 0
            state.counter("sluice_kafka_messages_produced_total", [], factory).increment(by: Int64(produced - min(previous, produced)))
            state.gauge("sluice_kafka_messages_unconfirmed", [], factory).record(Double(unconfirmed))
            state.kafka = PipelineStatus.Kafka(produced: produced, unconfirmed: unconfirmed)
            state.oldestPending = oldestPendingCommit
        }
    }

    /// `sluice apply`'s partitions, after a commit: per partition owned, the committed offset and
    /// the end, so the consumer lag. Partitions no longer owned are reported with no lag, as this
    /// member owes nothing on them: summed over the group, the lag stays right.
    func consumed(_ partitions: [PipelineStatus.Partition]) {
        state.withLock { state in
            let owned = Set(partitions.map { "\($0.topic)\u{0}\($0.partition)" })
            for gone in state.kafka?.partitions ?? [] where !owned.contains("\(gone.topic)\u{0}\(gone.partition)") {
                state.gauge("sluice_kafka_consumer_lag", Self.labels(gone), factory).record(0)
            }
            for partition in partitions {
                state.gauge("sluice_kafka_consumer_lag", Self.labels(partition), factory).record(Double(partition.lag))
                if let committed = partition.committed {
                    state.gauge("sluice_kafka_committed_offset", Self.labels(partition), factory).record(Double(committed))
                }
            }
            state.kafka = PipelineStatus.Kafka(partitions: partitions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) })
        }
    }

    private static func labels(_ partition: PipelineStatus.Partition) -> [(String, String)] {
        [("topic", partition.topic), ("partition", String(partition.partition))]
    }

    // MARK: Source in use, probe and problems

    /// Reading (re)started on `url`: the server in use, another of `source.urls` after a failover.
    /// What the probe said about the previous one (binlog files, server id) no longer applies.
    func readingFrom(_ url: SourceURL) {
        state.withLock { state in
            guard state.sourceInUse != url else { return }
            if state.sourceInUse != nil {
                (state.binaryLogs, state.sourceServerID, state.sourceError) = (nil, nil, nil)
            }
            state.sourceInUse = url
        }
    }

    /// The server being read, once reading started; the probe asks it for the lag in bytes.
    public var sourceInUse: SourceURL? {
        state.withLock { $0.sourceInUse }
    }

    /// What `source` said about its binlog files and itself; ignored once another server is read.
    public func probed(_ source: SourceURL, binaryLogs: [(name: String, size: UInt64)], serverID: UInt32?) {
        state.withLock { state in
            guard state.sourceInUse == nil || state.sourceInUse == source else { return }
            state.binaryLogs = binaryLogs
            state.sourceServerID = serverID ?? state.sourceServerID
            state.sourceError = nil
        }
    }

    public func probeFailed(_ source: SourceURL, _ reason: String) {
        state.withLock { state in
            guard state.sourceInUse == nil || state.sourceInUse == source else { return }
            state.sourceError = reason
        }
    }

    /// A warning or error the pipeline logged: the latest is `/status`'s `last_error`.
    func problem(level: String, message: String) {
        let now = Date()
        state.withLock { $0.lastError = PipelineStatus.Problem(time: now, level: level, message: message) }
    }

    // MARK: Reading out

    /// The series in Prometheus's text format, lag brought up to date first.
    public func prometheusText() -> [UInt8] {
        let (seconds, bytes) = state.withLock { $0.lag(now: Date().timeIntervalSince1970) }
        lagSeconds.record(seconds)
        if let bytes { lagBytes.record(Double(bytes)) }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    public func readiness(threshold: Double) -> Readiness {
        state.withLock { state in
            Readiness(
                started: state.started, sourceError: state.sourceError, sinkError: state.sinkError, snapshot: state.snapshot,
                lagSeconds: state.lag(now: Date().timeIntervalSince1970).seconds, threshold: threshold
            )
        }
    }

    /// `/status`, for `configuration`'s source.
    public func status(source: SourceSettings, readyThreshold: Double) -> PipelineStatus {
        let readiness = readiness(threshold: readyThreshold)
        return state.withLock { state in
            let (seconds, bytes) = state.lag(now: Date().timeIntervalSince1970)
            return PipelineStatus(
                source: .init(
                    url: source.url.description, inUse: state.sourceInUse?.description, serverID: source.serverID, sourceServerID: state.sourceServerID
                ),
                kafka: state.kafka,
                position: state.saved.map { .init(file: $0.file, offset: $0.offset, gtidSet: $0.gtidSet, timestamp: $0.timestamp) },
                lag: .init(seconds: seconds, bytes: bytes),
                freshness: state.freshnessQuantiles(),
                snapshot: state.snapshot.map { .init(tablesDone: $0.done, tablesTotal: $0.total) },
                tables: state.tables.values.sorted { $0.name < $1.name },
                lastError: state.lastError,
                ready: readiness.isReady,
                notReady: readiness.reasons
            )
        }
    }

    private struct State: Sendable {
        var tables: [String: PipelineStatus.Table] = [:]
        var counters: [String: CoreMetrics.Counter] = [:]
        var gauges: [String: CoreMetrics.Gauge] = [:]
        var saved: SavedPosition?
        var oldestPending: Double?
        var binaryLogs: [(name: String, size: UInt64)]?
        var sourceServerID: UInt32?
        var sourceError: String?
        var sourceInUse: SourceURL?
        var sinkError: String?
        var started = false
        var snapshot: (done: Int, total: Int)?
        var recentFreshness: [Double] = []
        var nextFreshness = 0
        var lastError: PipelineStatus.Problem?
        var kafka: PipelineStatus.Kafka?

        mutating func counter(_ name: String, _ labels: [(String, String)], _ factory: PrometheusMetricsFactory) -> CoreMetrics.Counter {
            Self.cached(&counters, name, labels) { CoreMetrics.Counter(label: name, dimensions: labels, factory: factory) }
        }

        mutating func gauge(_ name: String, _ labels: [(String, String)], _ factory: PrometheusMetricsFactory) -> CoreMetrics.Gauge {
            Self.cached(&gauges, name, labels) { CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory) }
        }

        /// The handle for a labelled series, made on first use.
        private static func cached<Handle>(_ cache: inout [String: Handle], _ name: String, _ labels: [(String, String)], make: () -> Handle) -> Handle {
            let key = labels.reduce(name) { "\($0)\u{0}\($1.0)=\($1.1)" }
            if let handle = cache[key] { return handle }
            let handle = make()
            cache[key] = handle
            return handle
        }

        mutating func deadLettered(_ table: String, _ count: UInt64, _ factory: PrometheusMetricsFactory) {
            tables[table, default: .init(name: table)].deadLetters += count
            counter("sluice_dead_letters_total", [("table", table)], factory).increment(by: Int64(count))
        }

        mutating func remember(freshness: Double) {
            if recentFreshness.count < PipelineMetrics.freshnessWindow {
                recentFreshness.append(freshness)
            } else {
                recentFreshness[nextFreshness] = freshness
            }
            nextFreshness = (nextFreshness + 1) % PipelineMetrics.freshnessWindow
        }

        func freshnessQuantiles() -> PipelineStatus.Freshness? {
            PipelineStatus.Freshness(samples: recentFreshness)
        }

        func lag(now: Double) -> (seconds: Double, bytes: UInt64?) {
            let bytes = saved.flatMap { saved in binaryLogs.flatMap { BinlogLag.bytes(from: (saved.file, saved.offset), to: $0) } }
            return (BinlogLag.seconds(now: now, oldestPendingCommit: oldestPending), bytes)
        }
    }
}

extension PipelineStatus.Table {
    init(name: String) { self.name = name }

    mutating func count(_ operation: RowChange.Operation, _ count: Int) {
        switch operation {
        case .insert: inserts += UInt64(count)
        case .update: updates += UInt64(count)
        case .delete: deletes += UInt64(count)
        }
    }
}
