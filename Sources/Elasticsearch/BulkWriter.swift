import Logging

/// Writes bulk operations until every one is settled: retryable items and retryable whole-request
/// failures are sent again, after a backoff, for as long as it takes.
///
/// Only the task's cancellation, or a failure that retrying cannot mend (bad credentials, a
/// certificate that does not verify, a body over the server's size limit), ends the wait early.
/// Retries keep the operations' relative order, so two writes to one document are never sent
/// out of order, and external versions make sending one twice harmless.
public struct BulkWriter: Sendable {
    /// Sends one batch, returning one outcome per operation in order, or throwing
    /// ``ElasticsearchError``; ``ElasticsearchClient/bulk(_:)`` in production.
    public typealias Submit = @Sendable ([BulkOperation]) async throws -> [BulkItemOutcome]

    private let submit: Submit
    private let backoff: Backoff
    private let logger: Logger

    public init(
        client: ElasticsearchClient,
        backoff: Backoff = Backoff(),
        logger: Logger = Logger(label: "sluice.elasticsearch")
    ) {
        self.init(backoff: backoff, logger: logger) { try await client.bulk($0) }
    }

    public init(
        backoff: Backoff = Backoff(),
        logger: Logger = Logger(label: "sluice.elasticsearch"),
        submit: @escaping Submit
    ) {
        self.submit = submit
        self.backoff = backoff
        self.logger = logger
    }

    /// Writes the operations and returns each one's final outcome, in input order.
    ///
    /// - Throws: `CancellationError` if the task is cancelled while waiting; a non-retryable
    ///   ``ElasticsearchError``; or whatever else `submit` throws.
    public func write(_ operations: [BulkOperation]) async throws -> [SettledBulkOutcome] {
        var settled = [SettledBulkOutcome?](repeating: nil, count: operations.count)
        // Positions still to send, ascending, so each retry keeps the original order.
        var pending = Array(operations.indices)
        var attempt = 0
        while !pending.isEmpty {
            try Task.checkCancellation()
            let batch = pending.map { operations[$0] }
            let firstRetryReason: String
            do {
                let outcomes = try await self.submit(batch)
                guard outcomes.count == batch.count else {
                    throw ElasticsearchError(
                        .malformedResponse,
                        "a bulk submission returned \(outcomes.count) outcomes for \(batch.count) operations"
                    )
                }
                var stillPending: [Int] = []
                var reason: String?
                for (position, outcome) in zip(pending, outcomes) {
                    if let final = outcome.settled {
                        settled[position] = final
                    } else {
                        stillPending.append(position)
                        if reason == nil, case .retryable(let status, let text) = outcome { reason = "HTTP \(status): \(text)" }
                    }
                }
                pending = stillPending
                guard let reason else { break }
                firstRetryReason = reason
            } catch let error as ElasticsearchError where error.isRetryable {
                firstRetryReason = error.description
            }
            let delay = self.backoff.delay(attempt: attempt)
            self.logger.warning(
                "retrying bulk operations",
                metadata: [
                    "operations": "\(pending.count)",
                    "attempt": "\(attempt + 1)",
                    "delay": "\(delay)",
                    "reason": "\(firstRetryReason)",
                ]
            )
            try await Task.sleep(for: delay)
            attempt += 1
        }
        let outcomes = settled.compactMap { $0 }
        assert(outcomes.count == operations.count, "every operation is settled once none is pending")
        return outcomes
    }
}
