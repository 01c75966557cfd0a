import Elasticsearch

/// `sink.discard: true`, for benchmarks only: each batch's `_bulk` body is built exactly as for
/// Elasticsearch, then dropped, and every operation the body holds is acknowledged as written.
/// Measures everything Sluice does but the network and the server.
enum DiscardingSink {
    @Sendable static func submit(_ operations: [BulkOperation]) -> [BulkItemOutcome] {
        let (body, _, outcomes) = ElasticsearchClient.bulkBody(operations)
        // Keeps the body alive until here, so building it cannot be optimised away.
        withExtendedLifetime(body) {}
        return outcomes
    }
}
