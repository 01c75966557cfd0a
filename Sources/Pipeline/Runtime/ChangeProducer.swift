import Binlog
import ChangeCapture
import Elasticsearch
import Logging
import NIOCore
import Positions

/// The reading side of the pipeline: row changes to coalesced document writes on the queue, with
/// each index created (with mappings from the column types) before its first write.
///
/// `Mark` is the queue's commit mark: a binlog `Checkpoint` for `sluice run`, consumer offsets
/// for `sluice apply`.
struct ChangeProducer<Mark: Sendable> {
    let configuration: SluiceConfiguration
    let client: ElasticsearchClient
    /// The cluster indexes are created on; nil when writes are discarded (`sink.discard`).
    let server: ServerInfo?
    let queue: WriteQueue<Mark>
    let deadLetters: DeadLetterFile
    let metrics: PipelineMetrics
    let logger: Logger
    private var mapper: DocumentMapper
    private var ensuredIndexes: Set<String> = []

    init(
        configuration: SluiceConfiguration, client: ElasticsearchClient, server: ServerInfo?, queue: WriteQueue<Mark>,
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

    /// The changes' writes, in order, each index ensured first; changes that cannot become
    /// documents go to the dead-letter file.
    mutating func writes(for changes: [RowChange]) async throws -> [DocumentWrite] {
        var writes: [DocumentWrite] = []
        writes.reserveCapacity(changes.count)
        for change in changes {
            try await ensureIndex(for: change)
            do {
                try mapper.appendWrites(for: change, version: change.position.version, to: &writes)
            } catch {
                logger.error("dead-lettered a change that cannot become a document", metadata: ["reason": "\(error)"])
                try await deadLetters.append(change, index: "", id: "", status: 0, type: "unmappable", reason: error.description)
                metrics.deadLettered(change)
            }
        }
        return writes
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

extension ChangeProducer where Mark == Checkpoint {
    /// Streams the binlog from `resume` (a saved position) or else from the configured start,
    /// until the source fails or the task is cancelled. Between transactions it copies the tables of
    /// `resnapshot` (what the saved position still had to copy, then what `requests` asks for).
    /// The metrics learn which server is read, each time reading (re)starts on one.
    mutating func stream(
        from start: StartPosition, resume: ReplicationPosition?, resnapshot progress: ResnapshotProgress?, requests: ResnapshotRequests
    ) async throws {
        let source = BinlogSource(configuration: configuration.source.binlogSource(startingAt: start, metrics: metrics), logger: logger)
        var resnapshot = OnlineResnapshot(progress: progress)
        var reader = ResnapshotReader(configuration: configuration, logger: logger)
        defer { reader.close() }
        var timestamp: UInt32 = 0
        for try await chunk in source.changes(from: resume) {
            metrics.read(chunk)
            timestamp = chunk.changes.last?.timestamp ?? timestamp
            let streamed = try await writes(for: chunk.changes)
            resnapshot.observe(streamed)
            guard let commit = chunk.commit else {
                await queue.push(Self.lastWritePerDocument(streamed), commit: nil)
                continue
            }
            let checkpoint = { (resnapshot: OnlineResnapshot) in
                Checkpoint(position: commit, timestamp: timestamp, resnapshot: resnapshot.progress)
            }
            await queue.push(Self.lastWritePerDocument(streamed), commit: checkpoint(resnapshot))
            resnapshot.request(requests.take())
            // Queue the open chunk once the stream has passed its high watermark, then read the next
            // chunks for as long as the stream is already past theirs (an idle source).
            while true {
                if let rows = resnapshot.close(at: commit) {
                    await queue.push(rows, commit: checkpoint(resnapshot))
                }
                guard let next = resnapshot.nextChunk else { break }
                let window = try await reader.read(next.table, after: next.after)
                resnapshot.open(high: window.high, writes: try await writes(for: window.changes), lastKey: window.lastKey)
                guard commit.isAtOrAfter(window.high) else { break }
            }
        }
    }

    /// Maps changes to writes, keeps the last write of each document, and queues them.
    mutating func enqueue(_ changes: [RowChange], commit: Checkpoint?) async throws {
        await queue.push(Self.lastWritePerDocument(try await writes(for: changes)), commit: commit)
    }

    /// One write per document (the last), in the order of those last writes: a transaction gives
    /// each document at most one write, as its version allows only one.
    static func lastWritePerDocument(_ writes: [DocumentWrite]) -> [DocumentWrite] {
        guard writes.count > 1 else { return writes }
        var seen = Set<DocumentKey>(minimumCapacity: writes.count)
        var superseded: Set<Int> = []
        for index in writes.indices.reversed() where !seen.insert(writes[index].key).inserted {
            superseded.insert(index)
        }
        // Usually every document is written once: the array is handed on as it is, without copying
        // each write (measured: those copies were a tenth of building bulk bodies).
        guard !superseded.isEmpty else { return writes }
        return writes.indices.filter { !superseded.contains($0) }.map { writes[$0] }
    }
}
