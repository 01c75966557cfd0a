import Logging

/// A log handler beside the real one that keeps the latest warning or error for `/status`: every
/// failure the pipeline meets is already logged (with credentials redacted), so this sees them all
/// without a call at each place.
struct ProblemRecorder: LogHandler {
    let metrics: PipelineMetrics
    var metadata: Logger.Metadata = [:]
    // The multiplexing handler sets every handler's level; this one filters on its own.
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level >= .warning else { return }
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        metrics.problem(level: event.level.rawValue, message: details.isEmpty ? "\(event.message)" : "\(event.message) \(details)")
    }
}

extension PipelineMetrics {
    /// `logger`, also recording its warnings and errors as `/status`'s last error.
    public func recordingProblems(_ logger: Logger) -> Logger {
        var logger = logger
        let level = logger.logLevel
        logger.handler = MultiplexLogHandler([logger.handler, ProblemRecorder(metrics: self)])
        logger.logLevel = level
        return logger
    }
}
