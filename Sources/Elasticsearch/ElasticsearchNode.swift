import Foundation

/// One node URL, split into where requests go and any credentials it carried.
struct ElasticsearchNode: Sendable, Hashable, CustomStringConvertible {
    /// `scheme://host:port` plus any path prefix, without a trailing slash or credentials.
    let baseURL: String
    let usesTLS: Bool
    /// Credentials from the URL's user-info part, percent-decoded.
    let username: String?
    let password: String?

    init(url: String) throws(ElasticsearchError) {
        // The URL itself may hold a password, so errors never quote it.
        guard let components = URLComponents(string: url) else {
            throw ElasticsearchError(.configuration, "an Elasticsearch URL does not parse as a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw ElasticsearchError(.configuration, "an Elasticsearch URL must start with http:// or https://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ElasticsearchError(.configuration, "an Elasticsearch URL has no host")
        }
        guard components.query == nil, components.fragment == nil else {
            throw ElasticsearchError(.configuration, "an Elasticsearch URL must not have a query or fragment")
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        // URLComponents gives IPv6 literals without their brackets.
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.baseURL = "\(scheme)://\(hostPart):\(port)\(path)"
        self.usesTLS = scheme == "https"
        self.username = components.user
        self.password = components.password
    }

    var description: String { self.baseURL }
}
