import ChangeCapture
import Logging
import MySQLProtocol
import Pipeline

/// Reads the source's binlog files and server id on a connection of its own every `interval`, for the
/// lag in bytes and for `/ready`'s "the source is reachable".
struct SourceProbe {
    let url: SourceURL
    let interval: Duration
    let metrics: PipelineMetrics
    let logger: Logger

    func run() async {
        var connection: MySQLConnection?
        var failing = false
        while !Task.isCancelled {
            do {
                let open: MySQLConnection
                if let connection { open = connection } else {
                    open = try await MySQLConnection.connect(url.connectionConfiguration, logger: logger)
                    connection = open
                }
                let logs = try await open.query("SHOW BINARY LOGS").rows.compactMap { row -> (name: String, size: UInt64)? in
                    guard row.count >= 2, let name = row[0], let size = row[1].flatMap({ UInt64($0) }) else { return nil }
                    return (name, size)
                }
                let serverID = try await open.query("SELECT @@server_id").rows.first?.first.flatMap { $0 }.flatMap { UInt32($0) }
                metrics.probed(binaryLogs: logs, serverID: serverID)
                failing = false
            } catch {
                if !Task.isCancelled {
                    metrics.probeFailed("\(error)")
                    if !failing { logger.warning("cannot read the source's binlog end for the lag", metadata: ["source": "\(url)", "error": "\(error)"]) }
                    failing = true
                }
                try? await connection?.close()
                connection = nil
            }
            try? await Task.sleep(for: interval)
        }
        try? await connection?.close()
    }
}
