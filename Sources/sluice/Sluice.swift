import ArgumentParser

@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Keep Elasticsearch in step with MySQL and MariaDB by reading the binlog.",
        subcommands: [
            RunCommand.self, StatusCommand.self, DoctorCommand.self, VerifyCommand.self, ResnapshotCommand.self, PositionCommand.self,
            CaptureCommand.self, ApplyCommand.self, TailCommand.self, DecodeCommand.self, BenchCommand.self,
        ]
    )
}
