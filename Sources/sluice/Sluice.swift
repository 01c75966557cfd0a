import ArgumentParser

@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Keep Elasticsearch in step with MySQL and MariaDB by reading the binlog.",
        subcommands: [RunCommand.self, PositionCommand.self, ResnapshotCommand.self, TailCommand.self, DecodeCommand.self, BenchCommand.self]
    )
}
