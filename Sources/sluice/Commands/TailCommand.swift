import ArgumentParser
import ChangeCapture
import Foundation
import Logging

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Stream committed row changes from a server's binlog as JSON lines.",
        discussion: """
            One line per changed row, in binlog order. Rolled-back transactions never appear.
            The password can be left out of the URL and given in SLUICE_SOURCE_PASSWORD instead.
            """
    )

    @Option(name: .long, help: "mysql://USER:PASS@HOST:PORT[?tls=disabled|preferred|required|verify-ca&ca=FILE] (default: $SLUICE_SOURCE_URL)")
    var source: String?

    @Option(name: .long, help: "earliest, latest, FILE:POS or gtid:SET.")
    var from: String = "latest"

    @Option(name: .long, parsing: .singleValue, help: "Regex on db.table; repeat for several. Default: all tables.")
    var tables: [String] = []

    @Option(name: .long, parsing: .singleValue, help: "Regex on db.table to leave out; repeat for several.")
    var exclude: [String] = []

    @Option(name: .long, help: "The replica server id to register with; must be unique among the server's replicas.")
    var serverID: UInt32 = 4242

    @Option(name: .long, help: "Exit after this many changes.")
    var limit: Int?

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let environment = ProcessInfo.processInfo.environment
        guard let sourceText = source ?? environment["SLUICE_SOURCE_URL"] else {
            throw ValidationError("give the server with --source mysql://USER:PASS@HOST:PORT or SLUICE_SOURCE_URL")
        }
        var url = try SourceURL(parsing: sourceText)
        if url.password.isEmpty, let password = environment["SLUICE_SOURCE_PASSWORD"] {
            url.password = password
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        var logger = Logger(label: "sluice")
        logger.logLevel = .warning
        let source = BinlogSource(
            configuration: BinlogSourceConfiguration(
                url: url,
                serverID: serverID,
                start: try StartPosition(parsing: from),
                filter: try TableFilter(include: tables, exclude: exclude)
            ),
            logger: logger
        )
        var output = LineOutput()
        var printed = 0
        for try await chunk in source.changes() {
            for change in chunk.changes {
                change.writeJSONLine(into: &output.buffer)
                printed += 1
                if printed == limit {
                    try output.flush()
                    return
                }
            }
            try output.flush()
        }
    }
}
