import Admin
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
            Serves /metrics, /health, /ready and /status (with each owned partition's committed
            offset and consumer lag) on admin.listen when it is given, in the file or as
            SLUICE_ADMIN_LISTEN (one address per process).
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        try await options.run { try SluiceRun(.apply, configuration: $0, logger: $1) }
    }
}
