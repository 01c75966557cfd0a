import Admin
import ArgumentParser
import Foundation
import Pipeline

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running instance's position, lag, freshness, per-table counts and last error.",
        discussion: "Reads /status from the admin address in the configuration (admin.listen), with its admin.token."
    )

    @OptionGroup var options: ConfigurationOptions

    @Flag(name: .long, help: "Print the JSON of /status instead of the table.")
    var json = false

    func run() async throws {
        let settings = try options.load().admin
        let status = try await AdminClient.status(settings)
        if json {
            let encoder = PipelineStatus.encoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(StatusTable.render(status, now: Date()), terminator: "")
        }
    }
}
