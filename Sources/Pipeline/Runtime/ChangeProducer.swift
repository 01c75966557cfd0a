import Binlog
import ChangeCapture
import Elasticsearch
import Logging
import NIOCore

/// The reading side of the pipeline: row changes to coalesced document writes on the queue, with
/// each index created (with mappings from the column types) before its first write.
struct ChangeProducer {
    let configuration: SluiceConfiguration
    let client: ElasticsearchClient
    /// The cluster indexes are created on; nil when writes are discarded (`sink.discard`).
    let server: ServerInfo?
    let queue: WriteQueue
    let deadLetters: DeadLetterFile
    let metrics: PipelineMetrics
    let logger: Logger
    private var mapper: DocumentMapper
    private var ensuredIndexes: Set<String> = []

    init(
        configuration: SluiceConfiguration, client: ElasticsearchClient, server: ServerInfo?, queue: WriteQueue,
        deadLetters: DeadLetterFile, metrics: PipelineMetrics, logger: Logger
    ) {
        self.configuration = configuration
        self.client = client
        self.server = server
        self.queue = queue
        self.deadLetters = deadLetters
        self.metrics = metrics
        self.logger = logger
        self.mapper = DocumentMapper(rules: configuration.rules)
    }

    /// Streams the binlog from `resume` (a saved position) or else from the configured start,
    /// until the source fails or the task is cancelled.
    mutating func stream(from start: StartPosition, resume: ReplicationPosition?) async throws {
        let source = BinlogSource(configuration: configuration.source.binlogSource(startingAt: start), logger: logger)
        for try await chunk in source.changes(from: resume) {
            metrics.read(chunk)
            try await enqueue(chunk.changes, commit: chunk.commit.map {
                Checkpoint(position: $0, timestamp: chunk.changes.last?.timestamp ?? 0)
            })
        }
    }

    /// Maps changes to writes, keeps the last write of each document, and queues them.
    mutating func enqueue(_ changes: [RowChange], commit: Checkpoint?) async throws {
        var writes: [DocumentWrite] = []
        writes.reserveCapacity(changes.count)
        for change in changes {
            try await ensureIndex(for: change)
            do {
                writes += try mapper.writes(for: change, version: change.position.version)
            } catch {
                logger.error("dead-lettered a change that cannot become a document", metadata: ["reason": "\(error)"])
                try await deadLetters.append(change, index: "", id: "", status: 0, type: "unmappable", reason: error.description)
                metrics.deadLettered(change)
            }
        }
        await queue.push(Self.lastWritePerDocument(writes), commit: commit)
    }

    /// One write per document (the last), in the order of those last writes: a transaction gives
    /// each document at most one write, as its version allows only one.
    static func lastWritePerDocument(_ writes: [DocumentWrite]) -> [DocumentWrite] {
        guard writes.count > 1 else { return writes }
        var seen = Set<DocumentKey>(minimumCapacity: writes.count)
        var kept: [DocumentWrite] = []
        kept.reserveCapacity(writes.count)
        for write in writes.reversed() where seen.insert(write.key).inserted {
            kept.append(write)
        }
        return kept.reversed()
    }

    /// Creates the change's index with mappings from its column types, unless it or a matching
    /// template exists; once per index.
    private mutating func ensureIndex(for change: RowChange) async throws {
        guard let server else { return }
        let plan = mapper.plan(for: change)
        guard !ensuredIndexes.contains(plan.index) else { return }
        let descriptors = change.columns.descriptors
        let columns = plan.fields.compactMap { field in
            field.column < descriptors.count ? (name: field.name, column: descriptors[field.column]) : nil
        }
        let created = try await client.ensureIndex(plan.index, mappings: IndexMapping(columns: columns, server: server).json)
        if created { logger.info("created index", metadata: ["index": "\(plan.index)", "table": "\(change.database).\(change.table)"]) }
        ensuredIndexes.insert(plan.index)
    }
}
