import ArgumentParser
import Pipeline

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Consume row changes from Kafka as a consumer group and write them to Elasticsearch.",
        discussion: """
            Uses the configuration's kafka, sink.elasticsearch and rules sections (see
            examples/sluice-kafka.yml). Several apply processes with one kafka.group share the
            partitions. Offsets are committed only for what Elasticsearch acknowledged.
            Stops cleanly on SIGINT or SIGTERM.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await options.runUntilStopped { ApplyPipeline(configuration: $0, logger: $1) }
    }
}
