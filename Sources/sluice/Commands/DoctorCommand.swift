import ArgumentParser
import Operations

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check everything the sync depends on; one line per check, with the remedy for each failure.",
        discussion: """
            Checks the source (reachable, TLS, login, privileges, binlog settings, GTIDs, server_id,
            replica binlog, saved position and retention, table ids), Elasticsearch (reachable,
            health, index mappings), the position store, and with a kafka section the brokers and topics.
            Reads only. Exits 0 only if every check
            passes (warnings are printed but do not fail).
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let report = await Doctor(configuration: try options.load(), logger: options.logger()).run()
        print(report.text)
        if !report.passed { throw ExitCode(1) }
    }
}
