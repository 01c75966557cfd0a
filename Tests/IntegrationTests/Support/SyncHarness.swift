import Admin
import ChangeCapture
import Elasticsearch
import Foundation
import Logging
import MySQLProtocol
import Pipeline
import Positions
import ServiceLifecycle
import TestSupport

/// Runs the sync pipeline in this process against a scratch database and the ES-API server, and
/// compares index with table.
struct SyncHarness {
    let db: ScratchDatabase
    let directory: URL
    let start: StartPosition
    let client: ElasticsearchClient

    static var elasticsearchURL: String { TestEnvironment.environment["SLUICE_ES_URL"] ?? "http://127.0.0.1:9200" }

    static func make(_ db: ScratchDatabase, start: StartPosition) throws -> SyncHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-\(db.name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let client = try ElasticsearchClient(configuration: ElasticsearchConfiguration(urls: [elasticsearchURL]), logger: TestEnvironment.logger)
        return SyncHarness(db: db, directory: directory, start: start, client: client)
    }

    var positionsPath: String { directory.appendingPathComponent("positions.json").path }
    var deadLetterPath: String { directory.appendingPathComponent("dead-letter.jsonl").path }

    /// The configuration a user would write, for this database's tables.
    func configuration(
        sourceURL: String = TestEnvironment.primaryURL, start startText: String? = nil, intervalMS: Int = 20, bulk: String = defaultBulk, extra: String = "",
        sourceURLs: [String]? = nil
    ) throws -> SluiceConfiguration {
        try SluiceConfiguration.parse(
            yaml(sourceURL: sourceURL, start: startText, intervalMS: intervalMS, bulk: bulk, extra: extra, sourceURLs: sourceURLs), file: "test.yml", environment: [:]
        )
    }

    /// Small batches, several in flight: any reordering of one document's writes would show.
    static let defaultBulk = "max_documents: 50, concurrency: 3, linger_ms: 0"

    /// The configuration file's text, for `configuration` and for the `sluice` executable.
    /// `positions` replaces the positions file section, e.g. with a ZooKeeper or etcd store; `sourceURLs`
    /// lists several servers (`source.urls`) instead of `sourceURL`.
    func yaml(
        sourceURL: String = TestEnvironment.primaryURL, start startText: String? = nil, intervalMS: Int = 20, bulk: String = defaultBulk, extra: String = "",
        positions: String? = nil, sourceURLs: [String]? = nil
    ) -> String {
        let positions = positions ?? "positions:\n  store: file\n  path: \(positionsPath)\n  interval_ms: \(intervalMS)\n"
        let servers = sourceURLs.map { "urls: [\($0.map { "\"\($0)\"" }.joined(separator: ", "))]" } ?? "url: \"\(sourceURL)\""
        return """
            source:
              \(servers)
              server_id: \(UInt32.random(in: 10_000...4_000_000_000))
              tables: ['\(db.name)\\..*']
            start: "\(startText ?? start.description)"
            sink:
              elasticsearch:
                url: \(Self.elasticsearchURL)
                bulk: { \(bulk) }
                dead_letter: \(deadLetterPath)
            \(positions)
            admin:
              listen: 127.0.0.1:0
            \(extra)
            """
    }

    /// The same harness with its database reached through `connection`, another server of the
    /// topology (the promoted replica after a failover): the table is read, and caught up with, there.
    func reading(through connection: MySQLConnection) -> SyncHarness {
        SyncHarness(db: ScratchDatabase(name: db.name, connection: connection), directory: directory, start: start, client: client)
    }

    /// The position saved in the positions file, or nil when there is none.
    func savedPosition() async throws -> SavedPosition? {
        try await FilePositionStore(path: positionsPath).load()
    }

    /// Starts the pipeline and its admin API as `sluice run` does, in a service group.
    func run(_ configuration: SluiceConfiguration) -> RunningPipeline {
        // The harness keeps positions in a file, whose store cannot fail to be made.
        guard let run = try? SluiceRun(configuration: configuration, logger: TestEnvironment.logger), let pipeline = run.pipeline as? SyncPipeline else {
            fatalError("the harness's configuration must run a SyncPipeline with a file store")
        }
        let group = run.serviceGroup(signals: [], logger: TestEnvironment.logger)
        return RunningPipeline(pipeline: pipeline, group: group, task: Task { try await group.run() }, admin: run.admin)
    }

    /// Starts `sluice capture` or `sluice apply` with its admin API (when the configuration gives
    /// `admin.listen`, as the harness's does), as the commands do.
    func run(_ side: SluiceRun.KafkaSide, _ configuration: SluiceConfiguration) throws -> Running<any Service> {
        let run = try SluiceRun(side, configuration: configuration, logger: TestEnvironment.logger)
        let group = run.serviceGroup(signals: [], logger: TestEnvironment.logger)
        return Running(pipeline: run.pipeline, group: group, task: Task { try await group.run() }, admin: run.admin)
    }

    /// Starts `service` (a pipeline) in a service group, as the `sluice` commands do.
    func start<Runner: Service>(_ service: Runner) -> Running<Runner> {
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: TestEnvironment.logger)
        return Running(pipeline: service, group: group, task: Task { try await group.run() }, admin: nil)
    }

    typealias RunningPipeline = Running<SyncPipeline>

    /// A pipeline running in this process.
    struct Running<Runner: Sendable>: Sendable {
        let pipeline: Runner
        let group: ServiceGroup
        let task: Task<Void, any Error>
        /// The admin API beside it, for `sluice run`'s pipeline.
        let admin: AdminServer?

        /// Stops it as SIGTERM does (reading stops, queued writes are flushed, the position saved),
        /// and waits for it, for at most `bound`; rethrows what it failed with.
        func stop(within bound: Duration = .seconds(120)) async throws {
            try await bounded(bound, "the pipeline to stop gracefully") { [group, task] in
                await group.triggerGracefulShutdown()
                try await task.value
            }
        }

        /// Cancels it, as a crash would cut it off, and waits for it to end, for at most `bound`.
        func kill(within bound: Duration = .seconds(60)) async throws {
            task.cancel()
            _ = try await bounded(bound, "the cancelled pipeline to end") { [task] in await task.result }
        }
    }

    /// Waits until the saved position reaches the primary's current end of binlog, with no snapshot
    /// or re-snapshot left to copy: everything written before this call has been acknowledged by
    /// the index. Fails after a generous bound rather than hanging, naming what it waited for.
    /// The bound is two minutes: every suite running in parallel shares the one ES-API stand-in,
    /// which indexes about 2,000 documents a second, and a passing test never waits that long.
    func waitUntilCaughtUp(on server: MySQLConnection? = nil, store: (any PositionStore)? = nil, within bound: Duration = .seconds(120)) async throws {
        let row = try await (server ?? db.connection).query("SHOW MASTER STATUS").rows[0]
        let (file, offset) = (row[0] ?? "", UInt64(row[1] ?? "") ?? 0)
        let store = store ?? FilePositionStore(path: positionsPath)
        let deadline = ContinuousClock.now + bound
        while ContinuousClock.now < deadline {
            if let saved = try await store.load(), saved.snapshot == nil, saved.resnapshot == nil, saved.file > file || (saved.file == file && saved.offset >= offset) {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("the pipeline did not reach \(file):\(offset) within \(bound); saved: \(String(describing: try await store.load()))")
    }

    /// Every row of `table` as a document with the same id and the same values, and nothing else.
    /// `columns` are compared as the text MySQL prints and the literal text of the document's value.
    func assertIndexEqualsTable(_ table: String, key: String = "id", columns: [String], index: String? = nil) async throws -> [String] {
        let index = index ?? "\(db.name).\(table)".lowercased()
        try await client.refresh(index: index)
        let rows = try await db.execute("SELECT \(([key] + columns).map { "`\($0)`" }.joined(separator: ",")) FROM `\(db.name)`.`\(table)` ORDER BY `\(key)`").rows
        var problems: [String] = []
        let count = try await client.count(index: index)
        if count != rows.count { problems.append("index \(index) has \(count) documents, table \(table) has \(rows.count) rows") }
        for row in rows {
            let id = row[0] ?? "NULL"
            guard let document = try await client.get(index: index, id: id), let source = document.source else {
                problems.append("document \(id) is missing")
                continue
            }
            for (position, column) in columns.enumerated() {
                let expected = row[position + 1]
                let actual: String? = switch source[column] {
                case let .number(text)?: text
                case let .string(text)?: text
                case .null?, nil: nil
                case let other?: "\(other)"
                }
                if actual != expected { problems.append("document \(id).\(column) is \(actual ?? "null"), the row has \(expected ?? "NULL")") }
            }
        }
        return problems
    }

    func shutdown() async {
        try? await client.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
