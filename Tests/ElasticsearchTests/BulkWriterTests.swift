import NIOCore
import Testing

@testable import Elasticsearch

@Suite struct BulkWriterTests {
    /// Plays back scripted replies, one per submission, and records what was submitted.
    actor ScriptedCluster {
        enum Reply {
            case outcomes([BulkItemOutcome])
            case failure(ElasticsearchError)
        }

        private var replies: [Reply]
        private(set) var batches: [[BulkOperation]] = []

        init(_ replies: [Reply]) {
            self.replies = replies
        }

        func submit(_ batch: [BulkOperation]) throws -> [BulkItemOutcome] {
            self.batches.append(batch)
            guard !self.replies.isEmpty else {
                return Array(repeating: .retryable(status: 503, reason: "still down"), count: batch.count)
            }
            switch self.replies.removeFirst() {
            case .outcomes(let outcomes): return outcomes
            case .failure(let error): throw error
            }
        }
    }

    private static let fast = Backoff(initialDelay: .milliseconds(1), maximumDelay: .milliseconds(2))

    private func writer(_ cluster: ScriptedCluster, backoff: Backoff = Self.fast) -> BulkWriter {
        BulkWriter(backoff: backoff) { try await cluster.submit($0) }
    }

    private func operation(_ id: String, _ version: UInt64) -> BulkOperation {
        .index(index: "t", id: id, version: version, source: ByteBuffer(string: "{}"))
    }

    @Test func retriesOnlyRetryableItemsAndReturnsOutcomesInInputOrder() async throws {
        let operations = [self.operation("a", 1), self.operation("b", 1), self.operation("c", 1), self.operation("d", 1)]
        let cluster = ScriptedCluster([
            .outcomes([
                .applied, .retryable(status: 429, reason: "busy"), .rejected(status: 400, type: "mapper_parsing_exception", reason: "x"),
                .retryable(status: 503, reason: "no shard"),
            ]),
            .outcomes([.retryable(status: 429, reason: "busy"), .applied]),
            .outcomes([.staleVersion]),
        ])
        let outcomes = try await self.writer(cluster).write(operations)
        #expect(outcomes == [.applied, .staleVersion, .rejected(status: 400, type: "mapper_parsing_exception", reason: "x"), .applied])
        #expect(await cluster.batches == [operations, [operations[1], operations[3]], [operations[1]]])
    }

    @Test func retriesKeepTheOrderOfWritesToOneDocument() async throws {
        let operations = [self.operation("a", 1), self.operation("b", 1), self.operation("a", 2), self.operation("a", 3)]
        let cluster = ScriptedCluster([
            .outcomes([.retryable(status: 429, reason: "busy"), .applied, .retryable(status: 429, reason: "busy"), .applied]),
            .outcomes([.staleVersion, .staleVersion]),
        ])
        let outcomes = try await self.writer(cluster).write(operations)
        #expect(outcomes == [.staleVersion, .applied, .staleVersion, .applied])
        #expect(await cluster.batches.last == [operations[0], operations[2]])
    }

    @Test func retriesWholeRequestFailuresThatMayPass() async throws {
        let operations = [self.operation("a", 1)]
        let refused = ElasticsearchError(.transport, "connection refused", node: "http://127.0.0.1:1", isRetryable: true)
        let throttled = ElasticsearchError(.status, "too many requests", status: 429, isRetryable: true)
        let cluster = ScriptedCluster([.failure(refused), .failure(throttled), .outcomes([.applied])])
        #expect(try await self.writer(cluster).write(operations) == [.applied])
        #expect(await cluster.batches.count == 3)
    }

    @Test func throwsFailuresThatRetryingCannotMend() async throws {
        let unauthorized = ElasticsearchError(.status, "unable to authenticate", status: 401, errorType: "security_exception")
        let cluster = ScriptedCluster([.failure(unauthorized)])
        await #expect {
            _ = try await self.writer(cluster).write([self.operation("a", 1)])
        } throws: { error in
            (error as? ElasticsearchError)?.status == 401
        }
        #expect(await cluster.batches.count == 1)
    }

    @Test func aMiscountedReplyIsAnError() async throws {
        let cluster = ScriptedCluster([.outcomes([.applied, .applied])])
        await #expect {
            _ = try await self.writer(cluster).write([self.operation("a", 1)])
        } throws: { error in
            (error as? ElasticsearchError)?.kind == .malformedResponse
        }
    }

    @Test func cancellationEndsTheWait() async throws {
        let cluster = ScriptedCluster([])
        let writer = self.writer(cluster, backoff: Backoff(initialDelay: .seconds(3600), maximumDelay: .seconds(3600)))
        let operations = [self.operation("a", 1)]
        let task = Task { try await writer.write(operations) }
        while await cluster.batches.isEmpty { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func nothingToWrite() async throws {
        let cluster = ScriptedCluster([])
        #expect(try await self.writer(cluster).write([]) == [])
        #expect(await cluster.batches.isEmpty)
    }
}
