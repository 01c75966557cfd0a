import ChangeCapture
import Elasticsearch
import Logging
import Testing
import TestSupport

@testable import Pipeline

@Suite struct WriteQueueTests {
    let change = RowChange(
        operation: .insert, database: "d", table: "t", columns: ColumnLayout(["id"]), keyColumns: [0],
        before: nil, after: [.int(1)], position: ChangePosition(file: "b.000001", offset: 4, gtid: nil), timestamp: 0
    )

    func write(_ id: String, version: UInt64 = 1) -> DocumentWrite {
        DocumentWrite(index: "i", id: id, version: version, source: nil, change: change)
    }

    func commit(_ offset: UInt64) -> Checkpoint {
        Checkpoint(position: ReplicationPosition(file: "b.000001", offset: offset), timestamp: 0)
    }

    @Test func aDocumentInFlightHoldsBackItsNextWriteAndEverythingAfter() async {
        let queue = WriteQueue<Checkpoint>(maxBytes: 1 << 20)
        await queue.push([write("a"), write("b")], commit: commit(100))
        await queue.push([write("a", version: 2), write("c")], commit: commit(200))
        let first = await queue.next(maxDocuments: 2, maxBytes: 1 << 20)
        #expect(first?.writes.map(\.id) == ["a", "b"])
        // "a" is in flight, so the next batch would reorder it: there is none until the first completes.
        let second = Task { await queue.next(maxDocuments: 10, maxBytes: 1 << 20) }
        #expect(await queue.checkpoint == nil)
        await queue.complete(first!)
        #expect(await second.value?.writes.map(\.id) == ["a", "c"])
        #expect(await queue.checkpoint == commit(100))
    }

    @Test func theCheckpointWaitsForEveryEarlierBatch() async {
        let queue = WriteQueue<Checkpoint>(maxBytes: 1 << 20)
        await queue.push([write("a")], commit: commit(100))
        await queue.push([write("b")], commit: commit(200))
        let first = await queue.next(maxDocuments: 1, maxBytes: 1 << 20)
        let second = await queue.next(maxDocuments: 1, maxBytes: 1 << 20)
        await queue.complete(second!)
        #expect(await queue.checkpoint == nil)
        await queue.complete(first!)
        #expect(await queue.checkpoint == commit(200))
        await queue.close()
        #expect(await queue.next(maxDocuments: 1, maxBytes: 1 << 20) == nil)
        #expect(await queue.isFinished)
    }

    /// A batch cut short by a stop never completes; once the queue is abandoned, waiting for
    /// everything to settle must end anyway (an apply member's revocation waited for good).
    @Test func anAbandonedQueueCountsAsSettledWithABatchStillInFlight() async {
        let queue = WriteQueue<Checkpoint>(maxBytes: 1 << 20)
        await queue.push([write("a")], commit: commit(100))
        await queue.push([write("b")], commit: commit(200))
        let cutShort = await queue.next(maxDocuments: 1, maxBytes: 1 << 20)
        #expect(cutShort?.writes.map(\.id) == ["a"])
        #expect(await !queue.isSettled)
        await queue.abandon()
        #expect(await queue.isSettled)
        #expect(await queue.checkpoint == nil)
    }

    /// A batch that fails for good while a later write of its document waits behind it: the drain
    /// stops with the failure, although the other senders wait for that batch, which never completes.
    @Test func aFailedBatchStopsTheDrainWhileALaterWriteOfItsDocumentWaits() async throws {
        let queue = WriteQueue<Checkpoint>(maxBytes: 1 << 20)
        await queue.push([write("a")], commit: commit(100))
        await queue.push([write("a", version: 2)], commit: commit(200))
        let writer = BulkWriter(logger: Logger(label: "test")) { _ in
            throw ElasticsearchError(.invalidRequest, "refused for good")
        }
        // A reader that would go on for ever: only the failure ends the drain.
        let reader = Task<Void, any Error> { try await Task.sleep(for: .seconds(3600)) }
        // Bounded: before the fix the drain never ended.
        await #expect(throws: ElasticsearchError.self) {
            try await bounded(.seconds(60), "the drain to stop with the failure") {
                try await queue.drain(
                    reader: reader, settings: BulkSettings(maxDocuments: 1, concurrency: 3), writer: writer,
                    deadLetters: DeadLetterFile(path: nil), logger: Logger(label: "test")
                ) {}
            }
        }
        #expect(reader.isCancelled)
        #expect(await queue.checkpoint == nil)
    }

    @Test func aCommitWithoutWritesIsDurableAtOnce() async {
        let queue = WriteQueue<Checkpoint>(maxBytes: 1 << 20)
        await queue.push([], commit: commit(300))
        #expect(await queue.checkpoint == commit(300))
    }

    @Test func coalescingKeepsTheLastWriteOfEachDocument() {
        let writes = [write("a", version: 1), write("b", version: 1), write("a", version: 2)]
        #expect(ChangeProducer.lastWritePerDocument(writes).map { "\($0.id)\($0.version)" } == ["b1", "a2"])
    }
}
