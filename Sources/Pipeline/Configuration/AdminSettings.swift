import ChangeCapture
import Foundation

/// The HTTP endpoint for metrics, health, readiness and status (`admin`).
public struct AdminSettings: Sendable, Equatable {
    /// The address to listen on: an IPv4 or IPv6 address or a host name.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int
    /// The bearer token every request must carry, when set (`admin.token`, or the contents of
    /// `admin.token_file`). Never printed.
    public var token: String?
    /// `/ready` answers 503 while Sluice is further behind the source than this many seconds.
    public var readyLagSeconds: Double
    /// How often the source's binlog end is read (`SHOW BINARY LOGS`) for the lag in bytes.
    public var probeInterval: Duration
    /// `admin.listen` was given, in the file or as `SLUICE_ADMIN_LISTEN`. `sluice run` serves the
    /// admin API regardless; `capture` and `apply` only then, as several of them may share one file
    /// on one host, each with its own `SLUICE_ADMIN_LISTEN`.
    public var isListenGiven: Bool

    static let keys = ["listen", "token", "token_file", "ready_lag_seconds", "probe_interval_ms"]

    init(_ admin: ConfigurationMapping) throws(ConfigurationError) {
        let listen = try admin.value("listen", Self.parseListen)
        (host, port) = listen ?? ("127.0.0.1", 9108)
        isListenGiven = listen != nil
        let token = try admin.value("token", Self.parseToken)
        let fileToken = try admin.value("token_file") { path throws(ConfigurationError) in
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError("cannot read the token file \(path); check that it exists and is readable")
            }
            return try Self.parseToken(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard token == nil || fileToken == nil else {
            throw admin.error("token_file", "give token or token_file, not both")
        }
        self.token = token ?? fileToken
        readyLagSeconds = Double(try admin.integer("ready_lag_seconds", atLeast: 0) ?? 30)
        probeInterval = .milliseconds(try admin.integer("probe_interval_ms", atLeast: 100) ?? 5000)
    }

    /// The address as `HOST:PORT`, with an IPv6 host in brackets.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func parseToken(_ text: String) throws(ConfigurationError) -> String {
        guard !text.isEmpty else { throw ConfigurationError("is empty; give a token, or leave the key out for no token") }
        guard text.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
            throw ConfigurationError("must be printable ASCII without spaces, as it is sent in an Authorization header")
        }
        return text
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
