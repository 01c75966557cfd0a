import Foundation
import Pipeline
import Testing

/// `admin` and `sink.discard`.
@Suite struct AdminConfigurationTests {
    @Test func defaultsListenOnLoopbackWithoutAToken() throws {
        let admin = try parse(minimalYAML).admin
        #expect(admin.address == "127.0.0.1:9108")
        #expect(admin.token == nil)
        #expect(admin.readyLagSeconds == 30)
        #expect(admin.probeInterval == .seconds(5))
        #expect(try parse(minimalYAML).discard == false)
    }

    @Test func theTokenComesFromTheEnvironmentAndIsNeverPrinted() throws {
        let yaml = minimalYAML + "admin: {listen: '127.0.0.1:0', token: '${ADMIN_TOKEN}', ready_lag_seconds: 5, probe_interval_ms: 250}\n"
        let configuration = try parse(yaml, environment: ["ADMIN_TOKEN": "s3cret-t0ken"])
        #expect(configuration.admin.token == "s3cret-t0ken")
        #expect(configuration.admin.readyLagSeconds == 5)
        #expect(configuration.admin.probeInterval == .milliseconds(250))
        #expect(!configuration.redactedDescription.contains("s3cret"))
        #expect(configuration.redactedDescription.contains("admin.token: ***"))
        #expect(try parse(minimalYAML, environment: ["SLUICE_ADMIN_TOKEN": "over"]).admin.token == "over")
    }

    @Test func theTokenCanBeReadFromAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-token-\(UUID().uuidString)").path
        try Data("file-token\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try parse(minimalYAML + "admin: {token_file: \(path)}\n").admin.token == "file-token")
        #expect(failure(minimalYAML + "admin: {token: a, token_file: \(path)}\n") == "test.yml:10: admin.token_file: give token or token_file, not both")
        #expect(failure(minimalYAML + "admin: {token_file: /nonexistent/token}\n").hasSuffix(
            "admin.token_file: cannot read the token file /nonexistent/token; check that it exists and is readable"
        ))
        #expect(failure(minimalYAML + "admin: {token: 'two words'}\n").hasSuffix(
            "admin.token: must be printable ASCII without spaces, as it is sent in an Authorization header"
        ))
    }

    @Test func discardIsABenchmarkSwitch() throws {
        let configuration = try parse(minimalYAML(replacing: "sink:\n", with: "sink:\n  discard: true\n"))
        #expect(configuration.discard)
        #expect(configuration.redactedDescription.contains("sink.discard: true (benchmark"))
        #expect(try parse(minimalYAML, environment: ["SLUICE_SINK_DISCARD": "true"]).discard)
    }
}
