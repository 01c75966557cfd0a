/// A request that failed as a whole: what failed, on which node, and whether trying again may help.
///
/// Descriptions never hold credentials: nodes are named by URL without user-info, and request
/// headers are never quoted.
public struct ElasticsearchError: Error, Sendable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: Hashable { case configuration, invalidRequest, transport, status, malformedResponse }
        fileprivate let base: Base

        /// The client's settings are unusable: a bad URL, conflicting credentials, an unreadable CA file.
        public static let configuration = Kind(base: .configuration)
        /// The request could not be made as asked, e.g. an index name that is not valid.
        public static let invalidRequest = Kind(base: .invalidRequest)
        /// No reply: connection refused or reset, timeout, TLS failure.
        public static let transport = Kind(base: .transport)
        /// The server replied with an error status; see ``ElasticsearchError/status``.
        public static let status = Kind(base: .status)
        /// The reply was not what the API defines.
        public static let malformedResponse = Kind(base: .malformedResponse)

        public var description: String {
            switch self.base {
            case .configuration: "configuration"
            case .invalidRequest: "invalid request"
            case .transport: "transport"
            case .status: "error status"
            case .malformedResponse: "malformed response"
            }
        }
    }

    public var kind: Kind
    /// What was being done, e.g. `POST /_bulk`.
    public var request: String?
    /// The node's URL, without credentials.
    public var node: String?
    /// The HTTP status, for ``Kind/status``.
    public var status: Int?
    /// Elasticsearch's error type, e.g. `index_not_found_exception`, when the reply names one.
    public var errorType: String?
    public var message: String
    /// Whether the same request may succeed later unchanged: unreachable nodes, timeouts,
    /// 408, 429 and 5xx replies.
    public var isRetryable: Bool

    public init(
        _ kind: Kind,
        _ message: String,
        request: String? = nil,
        node: String? = nil,
        status: Int? = nil,
        errorType: String? = nil,
        isRetryable: Bool = false
    ) {
        self.kind = kind
        self.message = message
        self.request = request
        self.node = node
        self.status = status
        self.errorType = errorType
        self.isRetryable = isRetryable
    }

    public var description: String {
        var text = "Elasticsearch"
        if let request { text += " \(request)" }
        if let node { text += " on \(node)" }
        text += " failed"
        if let status { text += " with HTTP \(status)" }
        if let errorType { text += " (\(errorType))" }
        text += ": \(self.message)"
        if self.isRetryable { text += " [retryable]" }
        return text
    }
}
