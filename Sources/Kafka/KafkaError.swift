import CRdKafka

/// A failure reported by librdkafka or by the Kafka wrapper, with librdkafka's own wording and
/// what to do about it where that is known.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// librdkafka's error code (`rd_kafka_resp_err_t`), or nil for the wrapper's own errors.
    public var code: Int32?
    public var description: String

    public init(_ description: String, code: Int32? = nil) {
        self.description = description
        self.code = code
    }

    init(_ what: String, error: rd_kafka_resp_err_t) {
        self.init("\(what): \(String(cString: rd_kafka_err2str(error)))", code: error.rawValue)
    }

    /// The group is rebalancing: a commit is refused until it settles, and is simply tried again.
    public var isRebalanceInProgress: Bool { code == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS.rawValue }
}
