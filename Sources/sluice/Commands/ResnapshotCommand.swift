import ArgumentParser
import Pipeline

struct ResnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resnapshot",
        abstract: "Copy tables again while the binlog keeps streaming, without locks and without emptying the index.",
        discussion: """
            The tables are recorded in the saved position and copied by `sluice run` in primary-key
            chunks between binlog watermarks, so that no copied row overwrites a newer change. Use it to
            add a table (select it in source.tables and restart first), to mend an index, or, with
            --all --from-latest, to recover when the binlogs at the saved position were purged.
            Run it while `sluice run` is stopped.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Flag(help: "Copy every selected table.")
    var all = false

    @Flag(help: "Move the saved position to the source's current end first (after the binlogs at it were purged).")
    var fromLatest = false

    @Argument(help: "Tables to copy again, as db.table.")
    var tables: [String] = []

    func run() async throws {
        let configuration = try options.load()
        let saved = try await ResnapshotSchedule(configuration: configuration, logger: options.logger())
            .schedule(tables, all: all, fromLatest: fromLatest)
        print("the next `sluice run` copies \(saved.resnapshot?.tables.joined(separator: ", ") ?? "-") while streaming from \(saved.file):\(saved.offset)")
    }
}
