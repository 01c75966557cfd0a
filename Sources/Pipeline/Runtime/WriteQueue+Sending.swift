import Elasticsearch
import Logging

extension WriteQueue {
    /// Told of each batch the sink settled, with each write's outcome (for metrics).
    typealias Settled = @Sendable ([DocumentWrite], [SettledBulkOutcome]) -> Void

    /// One bulk sender: takes batches until the queue is closed and drained, writes each until
    /// every document is settled, parks what the index refused in the dead-letter file, and marks
    /// the batch complete, after telling `settled`. Run `bulk.concurrency` of them.
    nonisolated func sendBatches(
        settings bulk: BulkSettings, writer: BulkWriter, deadLetters: DeadLetterFile, logger: Logger, settled: @escaping Settled
    ) async throws {
        while let batch = await next(maxDocuments: bulk.maxDocuments, maxBytes: bulk.maxBytes) {
            let outcomes = try await writer.write(batch.writes.map(\.operation))
            for (write, outcome) in zip(batch.writes, outcomes) {
                guard case let .rejected(status, type, reason) = outcome else { continue }
                logger.error("dead-lettered a change the index refused", metadata: [
                    "index": "\(write.index)", "id": "\(write.id)", "status": "\(status)", "error": "\(type)", "reason": "\(reason)",
                ])
                try await deadLetters.append(write.change, index: write.index, id: write.id, status: status, type: type, reason: reason)
            }
            settled(batch.writes, outcomes)
            await complete(batch)
        }
    }
}

extension WriteQueue {
    /// The sink side of a pipeline, until the queue is finished: `bulk.concurrency` senders,
    /// `bookkeeping` (saving the checkpoint or committing offsets), and a watch on `reader` that
    /// rethrows its failure. The reader ends on a source error, or when a shutdown cancels it:
    /// either way the senders drain the queue and the bookkeeping records the last mark.
    ///
    /// A failure that retrying cannot mend stops everything (after `onFailure`): the reader is
    /// cancelled and the queue abandoned, so the mark stays at what the sink acknowledged. A
    /// cancellation (a stop, not a failure) returns quietly: requests in flight were cut short,
    /// so the mark stays before them and the next run sends them again.
    nonisolated func drain(
        reader: Task<Void, any Error>, settings bulk: BulkSettings, writer: BulkWriter, deadLetters: DeadLetterFile, logger: Logger,
        onFailure: @escaping @Sendable () -> Void = {}, settled: @escaping Settled = { _, _ in },
        bookkeeping: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(bulk.concurrency, 1) {
                group.addTask { try await self.sendBatches(settings: bulk, writer: writer, deadLetters: deadLetters, logger: logger, settled: settled) }
            }
            group.addTask { try await bookkeeping() }
            group.addTask {
                if case let .failure(error) = await reader.result, !(error is CancellationError) { throw error }
            }
            do {
                // Child by child, not `waitForAll()`, which rethrows a failure only once every child
                // has ended: the other senders may be waiting for the failed sender's batch (a
                // later write of one of its documents waits behind it), which never completes,
                // so they end only once the queue is abandoned below. (A cancelled apply member
                // whose batch was cut short hung that way; so would any failed pipeline.)
                while try await group.next() != nil {}
            } catch {
                onFailure()
                reader.cancel()
                await abandon()
                group.cancelAll()
                if error is CancellationError, Task.isCancelled { return }
                throw error
            }
        }
    }
}
