import Elasticsearch
import Logging

extension WriteQueue {
    /// One bulk sender: takes batches until the queue is closed and drained, writes each until
    /// every document is settled, parks what the index refused in the dead-letter file, and marks
    /// the batch complete. Run `bulk.concurrency` of them.
    nonisolated func sendBatches(settings bulk: BulkSettings, writer: BulkWriter, deadLetters: DeadLetterFile, logger: Logger) async throws {
        while let batch = await next(maxDocuments: bulk.maxDocuments, maxBytes: bulk.maxBytes) {
            let outcomes = try await writer.write(batch.writes.map(\.operation))
            for (write, outcome) in zip(batch.writes, outcomes) {
                guard case let .rejected(status, type, reason) = outcome else { continue }
                logger.error("dead-lettered a change the index refused", metadata: [
                    "index": "\(write.index)", "id": "\(write.id)", "status": "\(status)", "error": "\(type)", "reason": "\(reason)",
                ])
                try await deadLetters.append(write.change, index: write.index, id: write.id, status: status, type: type, reason: reason)
            }
            await complete(batch)
        }
    }
}
