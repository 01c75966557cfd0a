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
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await options.runUntilStopped { CapturePipeline(configuration: $0, logger: $1) }
    }
}
