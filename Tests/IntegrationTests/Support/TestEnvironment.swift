import ChangeCapture
import Foundation
import Logging
import MySQLProtocol

/// The servers the integration tests use, from the environment that `scripts/test` exports, with
/// the loopback defaults of `scripts/services`.
enum TestEnvironment {
    static let environment = ProcessInfo.processInfo.environment

    static var primaryURL: String { environment["SLUICE_MYSQL_URL"] ?? "mysql://sluice:sluice@127.0.0.1:3307" }
    static var replicaURL: String { environment["SLUICE_REPLICA_URL"] ?? "mysql://sluice:sluice@127.0.0.1:3308" }
    /// The failover pair, a primary and its replica that only the source failover tests use: they stop
    /// the primary and promote the replica (through `scripts/services`), then make them a pair again.
    static var failoverPrimaryURL: String { environment["SLUICE_FAILOVER_PRIMARY_URL"] ?? "mysql://sluice:sluice@127.0.0.1:3310" }
    static var failoverReplicaURL: String { environment["SLUICE_FAILOVER_REPLICA_URL"] ?? "mysql://sluice:sluice@127.0.0.1:3311" }
    static var ed25519URL: String { environment["SLUICE_MYSQL_ED25519_URL"] ?? "mysql://sluice_ed:sluice@127.0.0.1:3307" }
    static var caFile: String? { environment["SLUICE_TLS_CA"] }

    static var logger: Logger {
        var logger = Logger(label: "sluice-tests")
        logger.logLevel = .warning
        return logger
    }

    static func url(_ text: String) throws -> SourceURL { try SourceURL(parsing: text) }

    /// Connects with the project's own client; a server that is not there fails the test with the
    /// command that starts it.
    static func connect(_ text: String, tls: MySQLConnectionConfiguration.TLSMode = .preferred) async throws -> MySQLConnection {
        let url = try url(text)
        do {
            var configuration = url.connectionConfiguration
            configuration.tls = tls
            return try await MySQLConnection.connect(configuration, logger: logger)
        } catch {
            throw ServiceMissing(url: url, error: error)
        }
    }
}

struct ServiceMissing: Error, CustomStringConvertible {
    var url: SourceURL
    var error: any Error
    var description: String {
        "cannot reach the test server \(url): \(error). Start the local services with `scripts/services up` "
            + "(or run the suite with `scripts/test`), or point SLUICE_MYSQL_URL/SLUICE_REPLICA_URL (or the other SLUICE_*_URL "
            + "that `scripts/services env` prints) at a server."
    }
}
