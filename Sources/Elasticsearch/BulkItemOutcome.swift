/// What Elasticsearch did with one operation of a `_bulk` request.
public enum BulkItemOutcome: Sendable, Equatable {
    /// Written; or, for a delete, the document was already absent.
    case applied
    /// Refused with a 409 version conflict: the document already has this version or a newer
    /// one, so a write at least as new already won. With external versions this is success.
    case staleVersion
    /// Not written, for a reason that concerns the cluster rather than the document (429
    /// back-pressure, 5xx, a rejected execution, a missing index or privilege, a read-only block):
    /// sending it again later may succeed.
    case retryable(status: Int, reason: String)
    /// Refused for the document itself, e.g. `mapper_parsing_exception` for a value its field
    /// cannot hold. Sending it again will fail again; it belongs in a dead-letter store.
    case rejected(status: Int, type: String, reason: String)

    /// Error types that mean "not now" whatever their status says: thread-pool rejections
    /// (OpenSearch spells them without `es_`), index blocks such as the flood-stage read-only one,
    /// and an index that is missing where automatic creation is off.
    static let retryableErrorTypes: Set<String> = [
        "es_rejected_execution_exception",
        "rejected_execution_exception",
        "cluster_block_exception",
        "index_not_found_exception",
    ]

    /// Classifies one item of a bulk reply.
    /// - Parameters:
    ///   - status: The item's HTTP status.
    ///   - errorType: `error.type`, if the item has an error.
    ///   - reason: `error.reason`, if the item has an error.
    ///   - isDelete: Whether the operation was a delete, for which 404 means the goal is reached.
    init(status: Int, errorType: String?, reason: String?, isDelete: Bool) {
        switch status {
        case 200..<300:
            self = .applied
        case 404 where isDelete && (errorType == nil || errorType == "index_not_found_exception"):
            self = .applied
        case 409 where errorType == "version_conflict_engine_exception":
            self = .staleVersion
        case 401, 403, 408, 429, 500...:
            self = .retryable(status: status, reason: Self.describe(errorType, reason))
        default:
            if let errorType, Self.retryableErrorTypes.contains(errorType) {
                self = .retryable(status: status, reason: Self.describe(errorType, reason))
            } else {
                self = .rejected(status: status, type: errorType ?? "", reason: reason ?? "")
            }
        }
    }

    private static func describe(_ type: String?, _ reason: String?) -> String {
        switch (type, reason) {
        case let (type?, reason?): "\(type): \(reason)"
        case let (type?, nil): type
        case let (nil, reason?): reason
        case (nil, nil): "no reason given"
        }
    }

    /// The final outcome, or nil while the operation should be retried.
    public var settled: SettledBulkOutcome? {
        switch self {
        case .applied: .applied
        case .staleVersion: .staleVersion
        case .rejected(let status, let type, let reason): .rejected(status: status, type: type, reason: reason)
        case .retryable: nil
        }
    }
}
