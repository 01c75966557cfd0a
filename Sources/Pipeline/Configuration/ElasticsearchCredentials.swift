import ChangeCapture

/// How Sluice authenticates to Elasticsearch. Printing it never shows the secret.
public enum ElasticsearchCredentials: Sendable, Equatable, CustomStringConvertible {
    /// No credentials: the cluster allows anonymous access.
    case anonymous
    /// HTTP basic authentication.
    case basic(username: String, password: String)
    /// An API key, sent as `Authorization: ApiKey KEY` (the base64 form Elasticsearch returns as `encoded`).
    case apiKey(String)

    public var description: String {
        switch self {
        case .anonymous: "none"
        case let .basic(username, _): "basic as \(username), password ***"
        case .apiKey: "api_key ***"
        }
    }

    static let keys = ["username", "password", "api_key"]

    init(_ elasticsearch: ConfigurationMapping) throws(ConfigurationError) {
        switch (try elasticsearch.string("username"), try elasticsearch.string("password"), try elasticsearch.string("api_key")) {
        case (nil, nil, nil):
            self = .anonymous
        case let (username?, password?, nil):
            self = .basic(username: username, password: password)
        case let (nil, nil, apiKey?):
            self = .apiKey(apiKey)
        case (_, _, _?):
            throw elasticsearch.error("api_key", "give api_key or username and password, not both")
        case (_?, nil, nil):
            throw elasticsearch.missing("password", "username is set, so a password is needed")
        case (nil, _?, nil):
            throw elasticsearch.missing("username", "password is set, so a username is needed")
        }
    }
}
