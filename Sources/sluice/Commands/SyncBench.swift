import Admin
import ArgumentParser
import Binlog
import ChangeCapture
import Elasticsearch
import Foundation
import Logging
import MySQLProtocol
import Pipeline
import ServiceLifecycle
import Synchronization

struct SyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Rows/s and freshness from MariaDB through the pipeline of `sluice run`, into the null sink or Elasticsearch.",
        discussion: """
            Runs the services of `sluice run` (the same configuration path, pipeline and admin API)
            in this process on table bench.sync, which it creates anew.

            --rows N: writes N rows (1,000 per INSERT) first, timing MariaDB as the same-run
            baseline, then syncs them from the binlog and reports rows/s.

            --rate R --seconds S: writes R rows/s for S seconds (every 10 ms, one INSERT of the rows
            due by then) while syncing,
            and reports freshness: each row carries the source's microsecond clock at its INSERT
            (column t, ROUND(UNIX_TIMESTAMP(NOW(6))*1e6)), and each change is timed when the sink
            acknowledges its batch (the pipeline's acknowledgement hook), on the same machine's
            clock. The first 2 s are warm-up and not counted.

            Resident memory is this process's high-water mark (VmHWM), writer included.
            Build with `scripts/build-release` first.
            """
    )

    @Option(name: .long, help: "The source.")
    var source = ProcessInfo.processInfo.environment["SLUICE_MYSQL_URL"] ?? "mysql://sluice:sluice@127.0.0.1:3307"

    @Option(name: .long, help: "The Elasticsearch or OpenSearch URL.")
    var elasticsearch = ProcessInfo.processInfo.environment["SLUICE_ES_URL"] ?? "http://127.0.0.1:9200"

    @Flag(name: .long, help: "Into the null sink (sink.discard): bulk bodies are built and dropped.")
    var discard = false

    @Option(name: .long, help: "Throughput: rows written before syncing.")
    var rows: Int?

    @Option(name: .long, help: "Freshness: rows per second written while syncing.")
    var rate: Int?

    @Option(name: .long, help: "Freshness: how long to write.")
    var seconds = 20

    func validate() throws {
        guard (rows == nil) != (rate == nil) else { throw ValidationError("give --rows N (throughput) or --rate R (freshness)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "sluice-bench")
        logger.logLevel = .warning
        let url = try SourceURL(parsing: source)
        let writer = try await MySQLConnection.connect(url.connectionConfiguration, logger: logger)
        _ = try await writer.query("CREATE DATABASE IF NOT EXISTS bench")
        _ = try await writer.query("DROP TABLE IF EXISTS bench.sync")
        _ = try await writer.query(
            "CREATE TABLE bench.sync (id BIGINT PRIMARY KEY, t BIGINT NOT NULL, a INT, c VARCHAR(64), d DECIMAL(12,4), e DATETIME(6))"
        )
        let status = try await writer.query("SHOW MASTER STATUS").rows[0]
        let start = "\(status[0] ?? ""):\(status[1] ?? "")"
        let sink = discard ? "the null sink" : "Elasticsearch at \(elasticsearch)"
        if !discard {
            // A previous run's documents would make every write a version conflict.
            let client = try ElasticsearchClient(configuration: ElasticsearchConfiguration(urls: [elasticsearch]), logger: logger)
            try await client.deleteIndex("bench.sync")
            try await client.shutdown()
        }

        if let rows {
            let began = ContinuousClock.now
            var id = 0
            while id < rows {
                let count = min(1000, rows - id)
                _ = try await writer.query("INSERT INTO bench.sync VALUES " + (id..<id + count).map(Self.row).joined(separator: ","))
                id += count
            }
            let baseline = Self.seconds(since: began)
            let ledger = Ledger()
            let run = try runServices(start: start, ledger: ledger, logger: logger)
            let synced = try await run.waitFor(rows, ledger: ledger)
            try await run.stop()
            print("sync          \(rows) rows from MariaDB into \(sink)")
            print(String(format: "MariaDB       %.3f s to INSERT them, %.0f rows/s (baseline)", baseline, Double(rows) / baseline))
            print(String(format: "sluice        %.3f s to sync them, %.0f rows/s, %.2fx the baseline", synced, Double(rows) / synced, baseline / synced))
        } else if let rate {
            let ledger = Ledger()
            let run = try runServices(start: start, ledger: ledger, logger: logger)
            let began = ContinuousClock.now
            let warmUp = Date().timeIntervalSince1970 + 2
            var id = 0
            var tick = 0
            while began.duration(to: .now) < .seconds(seconds) {
                // The rows due by now, so the rate holds even when an INSERT takes longer than a tick.
                let due = Int(Double(rate) * Self.seconds(since: began)) - id
                if due > 0 {
                    _ = try await writer.query("INSERT INTO bench.sync VALUES " + (id..<id + due).map(Self.row).joined(separator: ","))
                    id += due
                }
                tick += 1
                try await Task.sleep(until: began.advanced(by: .milliseconds(10 * tick)))
            }
            let written = Self.seconds(since: began)
            _ = try await run.waitFor(id, ledger: ledger)
            try await run.stop()
            let samples = ledger.freshness(after: warmUp)
            guard let quantiles = PipelineStatus.Freshness(samples: samples) else { throw CLIError("no change was acknowledged after the warm-up") }
            print("freshness     \(id) rows at \(rate) rows/s (an INSERT of the rows due every 10 ms) into \(sink)")
            print(String(format: "written       %.0f rows/s achieved over %.1f s", Double(id) / written, written))
            print(String(format: "commit→ack    p50 %.1f ms, p99 %.1f ms, max %.1f ms", quantiles.p50 * 1000, quantiles.p99 * 1000, (samples.max() ?? 0) * 1000)
                + " over \(samples.count) rows after a 2 s warm-up")
        }
        print("memory        VmHWM \(Self.highWaterMark())")
        try await writer.close()
    }

    /// One row: the id, the source's clock in microseconds at the INSERT, and some typical columns.
    static func row(_ id: Int) -> String {
        "(\(id),ROUND(UNIX_TIMESTAMP(NOW(6))*1000000),\(id % 100_000),'name-\(id)-\(String(repeating: "x", count: id % 20))',\(id % 10_000).\(id % 1000),NOW(6))"
    }

    private func runServices(start: String, ledger: Ledger, logger: Logger) throws -> Running {
        let yaml = """
            source:
              url: "\(source)"
              server_id: \(UInt32.random(in: 100_000...4_000_000_000))
              tables: ['bench\\.sync']
            start: "\(start)"
            sink:
              discard: \(discard)
              elasticsearch:
                url: \(elasticsearch)
            positions:
              store: memory
            admin:
              listen: 127.0.0.1:0
            """
        let configuration = try SluiceConfiguration.parse(yaml, file: "bench", environment: [:])
        let run = try SluiceRun(configuration: configuration, logger: logger, acknowledged: ledger.record)
        let group = run.serviceGroup(signals: [.sigint, .sigterm], logger: logger)
        return Running(group: group)
    }

    /// The services running, and whether they have ended.
    final class Running: Sendable {
        let group: ServiceGroup
        let began = ContinuousClock.now
        private let ended: Flag
        private let task: Task<Void, any Error>

        init(group: ServiceGroup) {
            let ended = Flag()
            self.ended = ended
            self.group = group
            task = Task {
                defer { ended.value.withLock { $0 = true } }
                try await group.run()
            }
        }

        final class Flag: Sendable {
            let value = Mutex(false)
        }

        /// Waits until `rows` changes were acknowledged; returns the seconds since the services started.
        func waitFor(_ rows: Int, ledger: Ledger) async throws -> Double {
            while ledger.count < rows {
                if ended.value.withLock({ $0 }) {
                    try await task.value
                    throw CLIError("the pipeline stopped after \(ledger.count) of \(rows) rows")
                }
                guard began.duration(to: .now) < .seconds(600) else { throw CLIError("only \(ledger.count) of \(rows) rows were acknowledged in 10 minutes") }
                try await Task.sleep(for: .milliseconds(2))
            }
            return SyncBench.seconds(from: began, to: ledger.lastAcknowledged ?? .now)
        }

        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    /// Acknowledged changes of bench.sync: how many, when the last was, and each one's freshness.
    final class Ledger: Sendable {
        private let state = Mutex<(count: Int, last: ContinuousClock.Instant?, freshness: [(commit: Double, seconds: Double)])>((0, nil, []))

        var count: Int { state.withLock { $0.count } }
        var lastAcknowledged: ContinuousClock.Instant? { state.withLock { $0.last } }

        @Sendable func record(_ changes: [RowChange]) {
            let now = Date().timeIntervalSince1970
            let instant = ContinuousClock.now
            var times: [(Double, Double)] = []
            times.reserveCapacity(changes.count)
            for change in changes where change.table == "sync" && change.database == "bench" {
                // Column 1 is t, the source's microseconds at the INSERT.
                guard let after = change.after, after.count > 1, case let .int(micros)? = after[1] else { continue }
                let commit = Double(micros) / 1e6
                times.append((commit, now - commit))
            }
            state.withLock { state in
                state.count += times.count
                state.last = instant
                state.freshness += times
            }
        }

        func freshness(after: Double) -> [Double] {
            state.withLock { $0.freshness.filter { $0.commit >= after }.map(\.seconds) }
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double { seconds(from: start, to: .now) }

    static func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: end)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// `VmHWM` from /proc/self/status: the most resident memory this process has had.
    static func highWaterMark() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }
}
