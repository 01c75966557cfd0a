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
actor WriteQueue {
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
    /// Commit positions in order, each with the sequence every earlier write is below.
    private var commits: [(before: UInt64, position: Checkpoint)] = []
    private var durable: Checkpoint?
    private var closed = false
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    private var workWaiters: [CheckedContinuation<Void, Never>] = []

    init(maxBytes: Int, linger: Duration = .zero) {
        self.maxBytes = maxBytes
        self.linger = linger
    }

    /// Adds a transaction's (or a chunk's) writes, and its commit position if it ends one.
    func push(_ writes: [DocumentWrite], commit: Checkpoint?) async {
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
        if let commit { commits.append((nextSequence, commit)) }
        advanceDurable()
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
        waiting.removeAll()
        waitingBytes = 0
        commits.removeAll()
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
        advanceDurable()
        for waiter in spaceWaiters { waiter.resume() }
        spaceWaiters.removeAll()
        wakeWorkers()
    }

    /// The latest commit position all of whose writes are settled.
    var checkpoint: Checkpoint? { durable }

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

    private func advanceDurable() {
        // Every write below this sequence is settled.
        let low = min(inFlight.values.min() ?? .max, waiting.first?.sequence ?? .max, nextSequence)
        var settled = 0
        while settled < commits.count, commits[settled].before <= low {
            durable = commits[settled].position
            settled += 1
        }
        commits.removeFirst(settled)
    }

    private func wakeWorkers() {
        for waiter in workWaiters { waiter.resume() }
        workWaiters.removeAll()
    }
}
