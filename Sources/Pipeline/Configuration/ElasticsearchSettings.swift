import ChangeCapture
import Foundation

/// The Elasticsearch or OpenSearch cluster written to (`sink.elasticsearch`).
public struct ElasticsearchSettings: Sendable {
    /// The cluster's nodes (`url`, or `urls` for several), each `http://` or `https://` with host and port.
    public var urls: [URL]
    public var credentials: ElasticsearchCredentials
    public var tls: ElasticsearchTLS
    public var bulk: BulkSettings
    /// Where documents Elasticsearch rejects are parked, one JSON object a line. Without it, a rejected
    /// document stops Sluice instead, since nothing may be skipped silently.
    public var deadLetterPath: String?

    static let keys = ["url", "urls"] + ElasticsearchCredentials.keys + ["tls", "bulk", "dead_letter"]

    init(_ elasticsearch: ConfigurationMapping) throws(ConfigurationError) {
        self.urls = try Self.urls(elasticsearch)
        self.credentials = try ElasticsearchCredentials(elasticsearch)
        self.tls = try ElasticsearchTLS(elasticsearch.mapping("tls", keys: ElasticsearchTLS.keys))
        self.bulk = try BulkSettings(elasticsearch.mapping("bulk", keys: BulkSettings.keys))
        self.deadLetterPath = try elasticsearch.value("dead_letter") { path throws(ConfigurationError) in
            guard !path.isEmpty else { throw ConfigurationError("is empty; give a file path, or leave the key out") }
            return path
        }
    }

    /// `url` or `urls`, whichever is given. Overriding one of them replaces the other from the file, since
    /// they are two spellings of one setting.
    private static func urls(_ elasticsearch: ConfigurationMapping) throws(ConfigurationError) -> [URL] {
        var single = elasticsearch.contains("url")
        if single, elasticsearch.contains("urls") {
            guard elasticsearch.isOverridden("url") != elasticsearch.isOverridden("urls") else {
                throw elasticsearch.error("give url or urls, not both")
            }
            single = elasticsearch.isOverridden("url")
        }
        if single, let url = try elasticsearch.value("url", parseURL) {
            return [url]
        }
        guard let urls = try elasticsearch.list("urls", parseURL) else {
            throw elasticsearch.missing("url", "the cluster to write to, e.g. http://127.0.0.1:9200 (or urls: [...] for several nodes)")
        }
        guard !urls.isEmpty else {
            throw elasticsearch.error("urls", "is empty; give at least one URL")
        }
        return urls
    }

    private static func parseURL(_ text: String) throws(ConfigurationError) -> URL {
        let shape = "expected http://HOST:PORT or https://HOST:PORT"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty, let url = components.url
        else {
            throw ConfigurationError("'\(text)' is not an Elasticsearch URL; \(shape)")
        }
        // Credentials in the URL would be printed wherever the URL is.
        guard components.user == nil, components.password == nil else {
            throw ConfigurationError("the URL carries credentials; give them as username and password (or api_key) instead")
        }
        guard components.query == nil, components.fragment == nil else {
            throw ConfigurationError("'\(text)' has a query or fragment; \(shape)")
        }
        return url
    }
}
