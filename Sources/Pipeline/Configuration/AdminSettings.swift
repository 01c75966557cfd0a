import ChangeCapture

/// The HTTP endpoint for health and metrics (`admin`).
public struct AdminSettings: Sendable, Equatable {
    /// The address to listen on: an IPv4 or IPv6 address or a host name.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int

    static let keys = ["listen"]

    init(_ admin: ConfigurationMapping) throws(ConfigurationError) {
        (host, port) = try admin.value("listen", Self.parseListen) ?? ("127.0.0.1", 9108)
    }

    /// Parses `HOST:PORT`, with an IPv6 host in brackets: `[::1]:9108`.
    private static func parseListen(_ text: String) throws(ConfigurationError) -> (String, Int) {
        let shape = "expected HOST:PORT, e.g. 127.0.0.1:9108 or [::1]:9108"
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0 ... 65535).contains(port) else {
            throw ConfigurationError("'\(text)' is not an address to listen on; \(shape)")
        }
        var host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            throw ConfigurationError("'\(text)' has an IPv6 host without brackets; \(shape)")
        }
        guard !host.isEmpty else {
            throw ConfigurationError("'\(text)' has no host; \(shape) (0.0.0.0 for every interface)")
        }
        return (String(host), port)
    }
}
