import ArgumentParser
import Operations

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare each selected table with its index, while sluice run keeps running; --repair mends the differences.",
        discussion: """
            Counts, then checksums over id ranges narrowed down to single ids: rows mapped as the sync
            maps them against each document's _source. Differences are checked again once the sync's
            saved position has passed the changes in flight. --repair rewrites the differing rows and
            deletes extra documents at the version of a consistent snapshot, so it never overwrites a
            newer streamed change. Exits 1 when a table differs (after a repair: still differs).
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(name: .long, help: "Only tables whose db.table wholly matches this regular expression (repeatable).")
    var tables: [String] = []

    @Flag(name: .long, help: "Rewrite differing rows and delete extra documents.")
    var repair = false

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Option(name: .long, help: "Ids listed per kind of difference and table.")
    var sample = 20

    @Option(name: .long, help: "Seconds to wait for the sync to pass the changes in flight before checking a difference again.")
    var settleTimeout = 30

    func run() async throws {
        var verifyOptions = Verifier.Options()
        verifyOptions.tables = tables
        verifyOptions.repair = repair
        verifyOptions.sampleLimit = max(sample, 0)
        verifyOptions.settleTimeout = .seconds(max(settleTimeout, 0))
        let report = try await Verifier(configuration: try options.load(), options: verifyOptions, logger: options.logger()).run()
        print(json ? report.json : report.text)
        if !report.matches { throw ExitCode(1) }
    }
}
