/// The final outcome of one operation, once ``BulkWriter`` has retried everything retryable.
public enum SettledBulkOutcome: Sendable, Equatable {
    /// Written; or, for a delete, the document was already absent.
    case applied
    /// A write at least as new already won (409 version conflict): success.
    case staleVersion
    /// Refused for the document itself; see ``BulkItemOutcome/rejected(status:type:reason:)``.
    case rejected(status: Int, type: String, reason: String)
}
