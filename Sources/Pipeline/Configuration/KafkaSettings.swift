import ChangeCapture
import Kafka

/// The Kafka transport (`kafka`): where `sluice capture` produces row changes and `sluice apply`
/// consumes them. One section serves both, so the two agree on topics and format.
public struct KafkaSettings: Sendable {
    /// `bootstrap.servers`: `host:port,…`.
    public var brokers: String
    /// The topic of a change: `{db}` and `{table}` are replaced (default `sluice.{db}.{table}`); a
    /// name without them puts every table in one topic. `apply` subscribes to every topic it matches.
    public var topic: String
    public var format: KafkaMessageFormat
    /// `apply`'s consumer group: the processes sharing it share the partitions.
    public var group: String
    /// librdkafka properties passed through as they are (security.protocol, sasl.*, ssl.*, …);
    /// they win over Sluice's defaults.
    public var properties: KafkaProperties

    static let keys = ["brokers", "topic", "format", "group", "properties"]

    init?(_ kafka: ConfigurationMapping, present: Bool) throws(ConfigurationError) {
        guard present else { return nil }
        guard let brokers = try kafka.string("brokers"), !brokers.isEmpty else {
            throw kafka.missing("brokers", "the Kafka bootstrap servers, e.g. 127.0.0.1:9092")
        }
        self.brokers = brokers
        topic = try kafka.value("topic") { text throws(ConfigurationError) in
            guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "._-{}".contains($0) }) else {
                throw ConfigurationError("'\(text)' is not a topic name or template: use letters, digits, '.', '_', '-' and {db}, {table}")
            }
            return text
        } ?? KafkaChangeEncoder.defaultTopicTemplate
        format = try kafka.value("format") { text throws(ConfigurationError) in
            guard let format = KafkaMessageFormat(rawValue: text) else {
                throw ConfigurationError("'\(text)' is not a message format; use \(KafkaMessageFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return format
        } ?? .sluice
        group = try kafka.string("group") ?? "sluice-apply"
        var properties = KafkaProperties()
        for (name, value) in try kafka.pairs("properties") ?? [] { properties[name] = value }
        properties["bootstrap.servers"] = brokers
        self.properties = properties
    }

    /// What `apply` subscribes to: the topic, or for a template a regular expression matching
    /// every topic it can give.
    public var subscription: String {
        guard topic.contains("{") else { return topic }
        var pattern = "^"
        var rest = Substring(topic)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            pattern += Self.escape(rest[..<open]) + "[^.]+"
            rest = rest[rest.index(after: close)...]
        }
        return pattern + Self.escape(rest) + "$"
    }

    private static func escape(_ text: Substring) -> String {
        text.map { ".-".contains($0) ? "\\\($0)" : String($0) }.joined()
    }

    /// The properties with secrets hidden, for the log.
    var redacted: String {
        properties.values.sorted { $0.key < $1.key }.map { name, value in
            let secret = ["password", "secret", "key", "token", "jaas"].contains { name.lowercased().contains($0) }
            return "\(name)=\(secret ? "***" : value)"
        }.joined(separator: ", ")
    }
}
