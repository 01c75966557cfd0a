import CRdKafka

/// librdkafka configuration properties (`bootstrap.servers`, `security.protocol`, `sasl.*`,
/// `ssl.*`, …), passed through as they are: see librdkafka's CONFIGURATION.md.
public struct KafkaProperties: Sendable, Equatable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// These properties with `defaults` filled in where they are not set.
    public func withDefaults(_ defaults: [String: String]) -> KafkaProperties {
        KafkaProperties(values.merging(defaults) { own, _ in own })
    }

    /// A librdkafka configuration holding every property; each refused one is named in the error.
    /// Values are never part of an error message, as they may be passwords.
    func makeConfiguration() throws(KafkaError) -> OpaquePointer {
        let configuration = rd_kafka_conf_new()!
        var reason = [CChar](repeating: 0, count: 512)
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(configuration, name, value, &reason, reason.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(configuration)
                throw KafkaError("the Kafka property \(name) was refused: \(String(cBuffer: reason))")
            }
        }
        return configuration
    }
}
