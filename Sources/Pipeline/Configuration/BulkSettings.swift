import ChangeCapture

/// How changes are grouped into `_bulk` requests and how many are in flight (`sink.elasticsearch.bulk`).
public struct BulkSettings: Sendable, Equatable {
    /// A bulk request is sent once it holds this many documents.
    public var maxDocuments: Int
    /// A bulk request is sent once its body reaches this many bytes.
    public var maxBytes: Int
    /// How long a partly filled bulk request waits for more changes before it is sent.
    public var linger: Duration
    /// Bulk requests in flight at once.
    public var concurrency: Int
    /// Bytes of bulk bodies in flight at once; past it, reading the binlog waits.
    public var maxBytesInFlight: Int

    public init(
        maxDocuments: Int = 1000,
        maxBytes: Int = 5 << 20,
        linger: Duration = .milliseconds(50),
        concurrency: Int = 4,
        // 8 MiB keeps `sluice run` within its 64 MB resident goal while the sink lags (16 MiB
        // peaked at 75 MB, measured: BENCHMARKS.md), and is still a 5 MB bulk request and more, or
        // many 1000-document ones, in flight.
        maxBytesInFlight: Int = 8 << 20
    ) {
        self.maxDocuments = maxDocuments
        self.maxBytes = maxBytes
        self.linger = linger
        self.concurrency = concurrency
        self.maxBytesInFlight = maxBytesInFlight
    }

    static let keys = ["max_documents", "max_bytes", "linger_ms", "concurrency", "max_bytes_in_flight"]

    init(_ bulk: ConfigurationMapping) throws(ConfigurationError) {
        let defaults = BulkSettings()
        self.init(
            maxDocuments: try bulk.integer("max_documents", atLeast: 1) ?? defaults.maxDocuments,
            maxBytes: try bulk.integer("max_bytes", atLeast: 1) ?? defaults.maxBytes,
            linger: try bulk.integer("linger_ms", atLeast: 0).map { .milliseconds($0) } ?? defaults.linger,
            concurrency: try bulk.integer("concurrency", atLeast: 1) ?? defaults.concurrency,
            maxBytesInFlight: try bulk.integer("max_bytes_in_flight", atLeast: 1) ?? defaults.maxBytesInFlight
        )
        guard maxBytesInFlight >= maxBytes else {
            throw bulk.error("max_bytes_in_flight", "\(maxBytesInFlight) is less than max_bytes (\(maxBytes)), so no bulk request could be sent")
        }
    }
}
