import Foundation
import NIOCore

/// The writes between the source and the sink, and the bookkeeping that keeps the checkpoint honest.
///
/// - Writes are numbered in source order. Batches are always a prefix of what is waiting, cut short
///   before a write whose document is in a batch still in flight, so one document's writes reach the
///   index in order however many batches are in flight.
/// - A transaction's commit position becomes the checkpoint only once every write before it was
///   acknowledged or dead-lettered: the checkpoint never gets ahead of the sink.
/// - `push` waits while the bytes waiting or in flight exceed the limit, which stops the source
///   reading: memory stays bounded however far behind the sink is.
///
/// `Mark` is what a commit records: a binlog `Checkpoint` for `sluice run`, consumer offsets for
/// `sluice apply`.
actor WriteQueue<Mark: Sendable> {
    struct Batch: Sendable {
        var id: UInt64
        var writes: [DocumentWrite]
        var bytes: Int
    }

    private let maxBytes: Int
    /// How long a partly filled batch waits for more writes before it is sent.
    private let linger: Duration
    /// A ring, so a write cut into a batch is let go at once (an array compacted now and then could
    /// hold as many sent writes as waiting ones).
    private var waiting = CircularBuffer<(sequence: UInt64, write: DocumentWrite, arrived: ContinuousClock.Instant)>()
    /// Bytes of the writes waiting (not yet in a batch).
    private var waitingBytes = 0
    private var nextSequence: UInt64 = 0
    private var bytes = 0
    /// In-flight batches by id: the first sequence each covers.
    private var inFlight: [UInt64: UInt64] = [:]
    private var inFlightDocuments: Set<DocumentKey> = []
    private var nextBatch: UInt64 = 0
    /// Commit marks in order with, for lag and freshness, when each was queued (seconds since the
    /// epoch) and the commit time of its writes (0 when it has none: a transaction of other tables,
    /// or copied rows).
    private var commits = CommitLedger<(mark: Mark, queuedAt: Double, committed: UInt32)>()
    private var closed = false
    /// Given up on (`abandon`): the batches in flight then were cut short and never complete.
    private var abandoned = false
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    private var workWaiters: [CheckedContinuation<Void, Never>] = []
    private var settledWaiters: [CheckedContinuation<Void, Never>] = []

    private let metrics: PipelineMetrics?

    init(maxBytes: Int, linger: Duration = .zero, metrics: PipelineMetrics? = nil) {
        self.maxBytes = maxBytes
        self.linger = linger
        self.metrics = metrics
    }

    /// Adds a transaction's (or a chunk's) writes, and its commit position if it ends one.
    func push(_ writes: [DocumentWrite], commit: Mark?) async {
        while bytes >= maxBytes, !writes.isEmpty, !closed {
            await withCheckedContinuation { spaceWaiters.append($0) }
        }
        guard !closed else { return }
        let now = ContinuousClock.now
        for write in writes {
            waiting.append((nextSequence, write, now))
            nextSequence += 1
            bytes += write.byteCount
            waitingBytes += write.byteCount
        }
        if let commit { commits.record((commit, Date().timeIntervalSince1970, writes.last?.change.timestamp ?? 0), before: nextSequence) }
        report(acknowledged: advanceDurable())
        wakeWorkers()
    }

    /// No more pushes: `next` returns nil once everything has been handed out.
    func close() {
        closed = true
        wakeWorkers()
    }

    /// Gives up on everything not yet sent, after a failure that stops the pipeline: waiting
    /// readers and senders return at once.
    func abandon() {
        closed = true
        abandoned = true
        waiting.removeAll()
        waitingBytes = 0
        commits.discardPending()
        for waiter in settledWaiters { waiter.resume() }
        settledWaiters.removeAll()
        for waiter in spaceWaiters { waiter.resume() }
        spaceWaiters.removeAll()
        wakeWorkers()
    }

    /// The next batch to send, waiting until there is one; nil when closed and drained.
    func next(maxDocuments: Int, maxBytes batchBytes: Int) async -> Batch? {
        while true {
            if let due = lingerDeadline(maxDocuments: maxDocuments, maxBytes: batchBytes) {
                // Too little for a full batch, and the oldest write has not waited its linger yet.
                Task { [weak self] in
                    try? await Task.sleep(until: due)
                    await self?.wakeWorkers()
                }
            } else if let batch = cutBatch(maxDocuments: maxDocuments, maxBytes: batchBytes) {
                report(acknowledged: [])
                return batch
            } else if closed, waiting.isEmpty {
                return nil
            }
            await withCheckedContinuation { workWaiters.append($0) }
        }
    }

    /// The sink settled every write of the batch.
    func complete(_ batch: Batch) {
        inFlight[batch.id] = nil
        for write in batch.writes { inFlightDocuments.remove(write.key) }
        bytes -= batch.bytes
        report(acknowledged: advanceDurable())
        for waiter in spaceWaiters { waiter.resume() }
        spaceWaiters.removeAll()
        wakeWorkers()
    }

    /// The latest commit position all of whose writes are settled.
    var checkpoint: Mark? { commits.durable?.mark }

    /// Every write pushed so far is settled (nothing waiting or in flight), or the queue was
    /// abandoned: the batches in flight then never complete, and nothing is left to wait for.
    var isSettled: Bool { abandoned || (waiting.isEmpty && inFlight.isEmpty) }

    /// Waits until `isSettled`. (Before an abandoned queue counted, an apply member cancelled in
    /// the middle of a revocation waited here for batches cut short, blocking its consumer for good.)
    func settled() async {
        while !isSettled {
            await withCheckedContinuation { settledWaiters.append($0) }
        }
    }

    /// Closed, and nothing is waiting or in flight.
    var isFinished: Bool { closed && waiting.isEmpty && inFlight.isEmpty }

    /// When a partly filled batch may go, if that is still to come; nil when a batch may be cut now.
    private func lingerDeadline(maxDocuments: Int, maxBytes batchBytes: Int) -> ContinuousClock.Instant? {
        guard linger > .zero, !closed, let oldest = waiting.first, waiting.count < maxDocuments, waitingBytes < batchBytes
        else { return nil }
        let due = oldest.arrived.advanced(by: linger)
        return due > ContinuousClock.now ? due : nil
    }

    private func cutBatch(maxDocuments: Int, maxBytes batchBytes: Int) -> Batch? {
        var writes: [DocumentWrite] = []
        var size = 0
        var batchDocuments: Set<DocumentKey> = []
        let first = waiting.first?.sequence
        while let write = waiting.first?.write, writes.count < maxDocuments, size < batchBytes {
            // Stop before a document another batch still carries: its writes must land first.
            if inFlightDocuments.contains(write.key) { break }
            writes.append(write)
            batchDocuments.insert(write.key)
            size += write.byteCount
            waitingBytes -= write.byteCount
            waiting.removeFirst()
        }
        guard let first, !writes.isEmpty else { return nil }
        inFlightDocuments.formUnion(batchDocuments)
        let id = nextBatch
        nextBatch += 1
        inFlight[id] = first
        return Batch(id: id, writes: writes, bytes: size)
    }

    /// Moves the durable checkpoint up; returns the commit times of the transactions it passed.
    private func advanceDurable() -> [Double] {
        // Every write below this sequence is settled.
        let low = min(inFlight.values.min() ?? .max, waiting.first?.sequence ?? .max, nextSequence)
        let passed = commits.advance(settledBelow: low)
        if low == nextSequence {
            for waiter in settledWaiters { waiter.resume() }
            settledWaiters.removeAll()
        }
        return passed.compactMap(Self.commitTime)
    }

    private func report(acknowledged: [Double]) {
        guard let metrics else { return }
        let oldest = commits.pending.lazy.compactMap(Self.commitTime).first
        metrics.queue(waiting: waiting.count, bytes: bytes, oldestPending: oldest, acknowledged: acknowledged)
    }

    private static func commitTime(_ commit: (mark: Mark, queuedAt: Double, committed: UInt32)) -> Double? {
        commit.committed > 0 ? BinlogLag.commitTime(timestamp: commit.committed, queuedAt: commit.queuedAt) : nil
    }

    private func wakeWorkers() {
        for waiter in workWaiters { waiter.resume() }
        workWaiters.removeAll()
    }
}
