import Foundation

/// A source server given as `mysql://USER:PASS@HOST:PORT[?tls=MODE&ca=FILE]`.
///
/// The password may be percent-encoded. It is never printed: `description` redacts it.
public struct SourceURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disabled
        case preferred
        case required
        case verifyCA = "verify-ca"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var tls: TLSMode
    /// PEM file with the CA that signed the server's certificate, for `verify-ca`.
    public var caFile: String?

    public init(host: String, port: Int = 3306, user: String, password: String, tls: TLSMode = .preferred, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.tls = tls
        self.caFile = caFile
    }

    /// Parses a source URL. The error says which part is wrong and shows the expected shape.
    public init(parsing text: String) throws(ConfigurationError) {
        let shape = "expected mysql://USER:PASSWORD@HOST:PORT[?tls=disabled|preferred|required|verify-ca&ca=FILE]"
        guard let components = URLComponents(string: text), let scheme = components.scheme else {
            throw ConfigurationError("source URL is not a URL: \(Self.redacting(text)); \(shape)")
        }
        guard ["mysql", "mariadb"].contains(scheme.lowercased()) else {
            throw ConfigurationError("source URL has scheme '\(scheme)', not mysql://; \(shape)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ConfigurationError("source URL has no host; \(shape)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ConfigurationError("source URL has no user; \(shape)")
        }
        var tls = TLSMode.preferred
        var caFile: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "tls", "ssl-mode", "sslmode":
                guard let value = item.value?.lowercased(), let mode = TLSMode(rawValue: value.replacingOccurrences(of: "_", with: "-")) else {
                    throw ConfigurationError("source URL has tls=\(item.value ?? ""); use one of disabled, preferred, required, verify-ca")
                }
                tls = mode
            case "ca", "ssl-ca":
                caFile = item.value
            default:
                throw ConfigurationError("source URL has unknown parameter '\(item.name)'; \(shape)")
            }
        }
        if tls == .verifyCA, caFile == nil {
            throw ConfigurationError("source URL asks for tls=verify-ca but names no CA file; add &ca=/path/to/ca.pem")
        }
        self.init(
            host: host,
            port: components.port ?? 3306,
            user: components.percentEncodedUser?.removingPercentEncoding ?? user,
            password: components.percentEncodedPassword?.removingPercentEncoding ?? "",
            tls: tls,
            caFile: caFile
        )
    }

    public var description: String {
        "mysql://\(user)\(password.isEmpty ? "" : ":***")@\(host):\(port)?tls=\(tls.rawValue)"
    }

    /// The URL text with any password replaced, for error messages.
    static func redacting(_ text: String) -> String {
        text.replacingOccurrences(of: #"(://[^:/@]*:)[^@]*@"#, with: "$1***@", options: .regularExpression)
    }
}

/// A wrong setting, found before anything starts. The message names the setting and what to do.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
