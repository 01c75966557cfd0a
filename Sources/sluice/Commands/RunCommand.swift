import Admin
import ArgumentParser
import Foundation
import Logging
import Pipeline
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Keep Elasticsearch in step with the source: snapshot or resume, then stream the binlog.",
        discussion: """
            Stops cleanly on SIGINT or SIGTERM: reading stops, queued writes are flushed, and the
            position is saved. Environment variables override any configuration key
            (SLUICE_SOURCE_URL, SLUICE_POSITIONS_PATH, …). Serves /metrics, /health, /ready and
            /status on admin.listen (127.0.0.1:9108 unless configured).
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        MallocTuning.apply()
        try await options.run { try SluiceRun(configuration: $0, logger: $1) }
    }
}

/// `--config FILE` and the logging options every configured command shares.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "The YAML configuration file (see examples/sluice.yml).")
    var config: String

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func load() throws -> SluiceConfiguration {
        try SluiceConfiguration.load(path: config, environment: ProcessInfo.processInfo.environment)
    }

    /// Loads the configuration, logs it (secrets hidden), and runs the pipeline `makeRun` makes, with
    /// its admin API, until the pipeline ends or SIGINT/SIGTERM stops it gracefully.
    func run(_ makeRun: (SluiceConfiguration, Logger) throws -> SluiceRun) async throws {
        let configuration = try load()
        let logger = logger()
        logger.info("configuration", metadata: ["settings": "\(configuration)"])
        try await makeRun(configuration, logger).serviceGroup(signals: [.sigterm, .sigint], logger: logger).run()
    }

    func logger() -> Logger {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "sluice")
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
