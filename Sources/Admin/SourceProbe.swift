import ChangeCapture
import Logging
import MySQLProtocol
import Pipeline

/// Reads the source's binlog files and server id on a connection of its own every `interval`, for the
/// lag in bytes and for `/ready`'s "the source is reachable". It asks the server being read, which
/// after a failover is another of `source.urls` than `url`, the first.
struct SourceProbe {
    let url: SourceURL
    let interval: Duration
    let metrics: PipelineMetrics
    let logger: Logger

    /// How long the server may take to answer: a hung one must not hold the probe (and the admin
    /// API's shutdown, which waits for it) forever.
    static let responseTimeout = Duration.seconds(30)

    func run() async {
        var connection: (url: SourceURL, connection: MySQLConnection)?
        var failing = false
        while !Task.isCancelled {
            let url = metrics.sourceInUse ?? self.url
            if let open = connection, open.url != url {
                try? await open.connection.close()
                connection = nil
            }
            do {
                let open: MySQLConnection
                if let connection { open = connection.connection } else {
                    var configuration = url.connectionConfiguration
                    configuration.responseTimeout = Self.responseTimeout
                    open = try await MySQLConnection.connect(configuration, logger: logger)
                    connection = (url, open)
                }
                let logs = try await open.query("SHOW BINARY LOGS").rows.compactMap { row -> (name: String, size: UInt64)? in
                    guard row.count >= 2, let name = row[0], let size = row[1].flatMap({ UInt64($0) }) else { return nil }
                    return (name, size)
                }
                let serverID = try await open.query("SELECT @@server_id").rows.first?.first.flatMap { $0 }.flatMap { UInt32($0) }
                metrics.probed(url, binaryLogs: logs, serverID: serverID)
                failing = false
            } catch {
                if !Task.isCancelled {
                    metrics.probeFailed(url, "\(error)")
                    if !failing { logger.warning("cannot read the source's binlog end for the lag", metadata: ["source": "\(url)", "error": "\(error)"]) }
                    failing = true
                }
                try? await connection?.connection.close()
                connection = nil
            }
            try? await Task.sleep(for: interval)
        }
        try? await connection?.connection.close()
    }
}
