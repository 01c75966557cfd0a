/// Where the cluster is and how to reach it.
///
/// Its descriptions redact the password and API key, so a configuration can be logged.
public struct ElasticsearchConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Node URLs, `http://` or `https://`, optionally with a path prefix for a proxy
    /// (`https://proxy/es`). Requests go to them in turn; a node that fails is skipped for
    /// ``deadNodeCooldown``. Credentials may be given in a URL (`https://user:pass@host:9200`)
    /// instead of in ``username`` and ``password``.
    public var urls: [String]
    /// For HTTP basic authentication, with ``password``.
    public var username: String?
    public var password: String?
    /// An API key, sent as `Authorization: ApiKey <apiKey>`: the base64 `id:api_key` value that
    /// Elasticsearch's create-API-key call returns as `encoded`.
    public var apiKey: String?
    /// A PEM file of certificates to trust instead of the system's roots, for a cluster whose
    /// certificates a private CA signs.
    public var caFile: String?
    /// Whether to check the server's certificate and host name. Turning this off makes TLS
    /// open to interception; it exists for throwaway test clusters.
    public var verifyCertificates: Bool
    /// How long one request may take, from sending to the last byte of the reply.
    public var requestTimeout: Duration
    /// How long connecting (TCP and TLS) may take.
    public var connectTimeout: Duration
    /// How long a node that could not be reached is passed over before it is tried again.
    public var deadNodeCooldown: Duration
    /// The largest reply body accepted, in bytes.
    public var maximumResponseSize: Int

    public init(
        urls: [String] = ["http://127.0.0.1:9200"],
        username: String? = nil,
        password: String? = nil,
        apiKey: String? = nil,
        caFile: String? = nil,
        verifyCertificates: Bool = true,
        requestTimeout: Duration = .seconds(60),
        connectTimeout: Duration = .seconds(10),
        deadNodeCooldown: Duration = .seconds(30),
        maximumResponseSize: Int = 256 << 20
    ) {
        self.urls = urls
        self.username = username
        self.password = password
        self.apiKey = apiKey
        self.caFile = caFile
        self.verifyCertificates = verifyCertificates
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.deadNodeCooldown = deadNodeCooldown
        self.maximumResponseSize = maximumResponseSize
    }

    public var description: String {
        // Node URLs go through ElasticsearchNode so that passwords inside them are dropped too.
        let urls = self.urls.map { (try? ElasticsearchNode(url: $0))?.description ?? "<invalid URL>" }
        var parts = ["urls: \(urls)"]
        if let username { parts.append("username: \(username)") }
        if self.password != nil { parts.append("password: <redacted>") }
        if self.apiKey != nil { parts.append("apiKey: <redacted>") }
        if let caFile { parts.append("caFile: \(caFile)") }
        if !self.verifyCertificates { parts.append("verifyCertificates: false") }
        parts.append("requestTimeout: \(self.requestTimeout)")
        return "ElasticsearchConfiguration(\(parts.joined(separator: ", ")))"
    }

    public var debugDescription: String { self.description }

    /// Keeps `dump` and debuggers from printing the secrets field by field.
    public var customMirror: Mirror { Mirror(self, children: ["description": self.description]) }
}
