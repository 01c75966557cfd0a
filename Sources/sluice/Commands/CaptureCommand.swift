import Admin
import ArgumentParser
import Pipeline

struct CaptureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Read the binlog and produce every row change to Kafka, keyed by its document.",
        discussion: """
            Uses the configuration's source, positions, rules and kafka sections (see
            examples/sluice-kafka.yml). The position is saved only past changes Kafka confirmed.
            Stops cleanly on SIGINT or SIGTERM: reading stops, deliveries are awaited, the position saved.
            Serves /metrics, /health, /ready and /status (with the messages produced and not yet
            confirmed) on admin.listen when it is given, in the file or as SLUICE_ADMIN_LISTEN.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await options.run { try SluiceRun(.capture, configuration: $0, logger: $1) }
    }
}
