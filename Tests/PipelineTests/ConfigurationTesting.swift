import Pipeline
import Testing

/// Parses configuration text as the file `test.yml`.
func parse(_ yaml: String, environment: [String: String] = [:]) throws -> SluiceConfiguration {
    try SluiceConfiguration.parse(yaml, file: "test.yml", environment: environment)
}

/// The message of the error that parsing `yaml` throws.
func failure(_ yaml: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) -> String {
    do {
        let configuration = try SluiceConfiguration.parse(yaml, file: "test.yml", environment: environment)
        Issue.record("parsed without an error: \(configuration)", sourceLocation: sourceLocation)
        return ""
    } catch {
        return error.message
    }
}

/// A small valid configuration; tests append to it or replace parts of it.
let minimalYAML = """
    source:
      url: mysql://repl:secret@127.0.0.1:3307
      server_id: 4242
      tables: ['shop\\..*']
    sink:
      elasticsearch:
        url: http://127.0.0.1:9200
    positions:
      store: memory

    """

/// `minimalYAML` with `old` replaced by `new`.
func minimalYAML(replacing old: String, with new: String) -> String {
    precondition(minimalYAML.contains(old), "'\(old)' is not in minimalYAML")
    return minimalYAML.replacingOccurrences(of: old, with: new)
}
