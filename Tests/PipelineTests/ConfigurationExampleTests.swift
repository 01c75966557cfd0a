import Foundation
import Pipeline
import Testing

/// `examples/sluice.yml` must keep working against the local test services.
@Suite struct ConfigurationExampleTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/sluice.yml").path

    @Test func exampleLoads() throws {
        let configuration = try SluiceConfiguration.load(path: Self.path, environment: ["SLUICE_MYSQL_PASSWORD": "sluice"])
        #expect(configuration.source.url.host == "127.0.0.1")
        #expect(configuration.source.url.port == 3307)
        #expect(configuration.source.url.user == "sluice")
        #expect(configuration.source.url.password == "sluice")
        #expect(configuration.source.tables == ["shop\\..*"])
        #expect(configuration.source.start == .snapshot)
        #expect(configuration.elasticsearch.urls.map(\.absoluteString) == ["http://127.0.0.1:9200"])
        #expect(configuration.positions.store == .file(path: "./sluice-data/positions.json"))
        #expect(configuration.rule(for: "shop", table: "orders")?.index == "orders")
    }

    @Test func exampleNamesTheMissingPassword() {
        do {
            _ = try SluiceConfiguration.load(path: Self.path, environment: [:])
            Issue.record("loaded without SLUICE_MYSQL_PASSWORD")
        } catch {
            #expect(error.message.hasPrefix("\(Self.path):"))
            #expect(error.message.hasSuffix(": source.url: uses ${SLUICE_MYSQL_PASSWORD}, but the environment variable SLUICE_MYSQL_PASSWORD is not set"))
        }
    }
}
