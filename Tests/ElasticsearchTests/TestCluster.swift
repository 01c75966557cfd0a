import Elasticsearch
import Foundation
import Testing

/// The Elasticsearch or OpenSearch server the integration tests use: `SLUICE_ES_URL` (credentials
/// may be in the URL), default http://127.0.0.1:9200, the osmem-server stand-in that
/// `scripts/services up` starts; `SLUICE_ES_CA` names a CA file for https.
enum TestCluster {
    static let environment = ProcessInfo.processInfo.environment
    static var url: String { environment["SLUICE_ES_URL"] ?? "http://127.0.0.1:9200" }

    static var configuration: ElasticsearchConfiguration {
        ElasticsearchConfiguration(urls: [url], caFile: environment["SLUICE_ES_CA"], requestTimeout: .seconds(30))
    }

    /// Runs `body` with a client for the test server, failing the test with directions when the
    /// server cannot be reached.
    static func withClient<Result>(
        _ configuration: ElasticsearchConfiguration = Self.configuration,
        _ body: (ElasticsearchClient, ServerInfo) async throws -> Result
    ) async throws -> Result {
        let client = try ElasticsearchClient(configuration: configuration)
        do {
            let info: ServerInfo
            do {
                info = try await client.info()
            } catch {
                let message =
                    "No Elasticsearch/OpenSearch server answers at \(configuration.urls): \(error). "
                    + "Start the stand-in with `scripts/services up`, or point SLUICE_ES_URL at a server."
                Issue.record(Comment(rawValue: message))
                throw error
            }
            let result = try await body(client, info)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// An index name no other test or run uses.
    static func uniqueIndex(_ purpose: String) -> String {
        "sluice-test-\(purpose)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
