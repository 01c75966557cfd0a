/// How a row change is written as a Kafka message value (`sink.kafka.format`).
public enum KafkaMessageFormat: String, Sendable, CaseIterable {
    /// DESIGN.md's row-change JSON, as `sluice tail` prints it (without the newline).
    case sluice
    /// canal's flat message (`data`, `old`, `type`, `pkNames`, `mysqlType`, `sqlType`, `es`, `ts`),
    /// values as strings, so consumers written for canal keep working.
    case canal
    /// A Debezium-style envelope: `before`, `after`, `source`, `op` (`c`/`u`/`d`), `ts_ms`.
    case debezium

    /// Whether the value names the key columns (Sluice's `key`, canal's `pkNames`). Messages in a
    /// format whose value does not name them carry them in the `sluice.key` header.
    public var namesKeyColumns: Bool {
        self != .debezium
    }
}

/// The headers of the messages capture produces: the same in every format, but for `sluice.key`.
public enum KafkaChangeHeader {
    /// The change's external document version, in decimal. `apply` writes with it; a message
    /// without it is written without a version (last write wins).
    public static let version = "sluice.version"
    /// The rows event's binlog position, `file:offset`.
    public static let position = "sluice.position"
    /// The transaction's GTID, when the source writes GTIDs.
    public static let gtid = "sluice.gtid"
    /// On a transaction's last message: the position to resume from after it, `file:offset`,
    /// and the GTID state after it in `sluice.commit.gtids`. It marks the transaction's end.
    public static let commit = "sluice.commit"
    public static let commitGTIDs = "sluice.commit.gtids"
    /// The primary-key column names, as a JSON array: what `apply` takes the document id from.
    /// Only on messages whose format does not name them in the value (Debezium's).
    public static let keyColumns = "sluice.key"
}
