/// Everything that can go wrong talking to MySQL or MariaDB. Each description says what
/// happened, where, and what to do about it.
public enum MySQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection could not be made (refused, unreachable, name not resolved).
    case connectionFailed(host: String, port: Int, reason: String)
    /// The connection or the handshake did not complete within the configured time.
    case connectTimeout(host: String, port: Int, timeout: Duration)
    /// The server or the network closed the connection while `during` was in progress.
    case connectionClosed(during: String)
    /// The connection was used after `close()` or after an earlier error closed it.
    case connectionAlreadyClosed
    /// The server answered a command with an ERR packet.
    case server(MySQLServerError)
    /// The server refused the credentials, or an exchange with the auth plugin failed.
    case authenticationFailed(user: String, plugin: String, serverError: MySQLServerError?, reason: String)
    /// The server asked for an authentication plugin that Sluice does not implement.
    case unsupportedAuthenticationPlugin(user: String, plugin: String)
    /// TLS was required but the server does not offer it (CLIENT_SSL is not in its greeting).
    case tlsNotOffered(host: String, port: Int)
    /// The TLS setup or handshake failed.
    case tlsFailed(reason: String)
    /// The server sent something the protocol does not allow at this point.
    case protocolViolation(what: String, where: String)
    /// A packet is larger than the configured limit.
    case packetTooLarge(size: Int, limit: Int)
    /// A binlog stream received nothing, not even a heartbeat, for this long.
    case binlogStalled(silentFor: Duration)
    /// The server did not answer `during` (a query, the replica registration) within the configured
    /// response timeout; the connection was closed.
    case responseTimeout(host: String, port: Int, during: String, timeout: Duration)
    /// The request cannot be sent as given; the text says why.
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .connectionFailed(let host, let port, let reason):
            return "Could not connect to \(host):\(port): \(reason). Check that the server is running, and that the host and port are right and reachable from here."
        case .connectTimeout(let host, let port, let timeout):
            return "Connecting to \(host):\(port) did not finish within \(timeout). Check the network path and the server's load, or raise the connect timeout."
        case .connectionClosed(let during):
            return "The server closed the connection during \(during). The server may have restarted or killed the connection; check its error log. Reconnect to continue."
        case .connectionAlreadyClosed:
            return "The connection is already closed. Open a new connection."
        case .server(let error):
            return "The server reported \(error)."
        case .authenticationFailed(let user, let plugin, let serverError, let reason):
            let said = serverError.map { " The server said: \($0)." } ?? ""
            return "Authentication as '\(user)' with plugin \(plugin) failed: \(reason).\(said) Check the user name, password and the account's allowed hosts."
        case .unsupportedAuthenticationPlugin(let user, let plugin):
            return "The account '\(user)' uses the authentication plugin \(plugin), which Sluice does not support. Use mysql_native_password, caching_sha2_password, ed25519 (MariaDB) or, over TLS, mysql_clear_password for this account."
        case .tlsNotOffered(let host, let port):
            return "TLS is required, but the server at \(host):\(port) does not offer it. Enable TLS on the server (ssl_cert/ssl_key), or set the TLS mode to preferred or disabled."
        case .tlsFailed(let reason):
            return "TLS failed: \(reason). Check the CA file and the server's certificate."
        case .protocolViolation(let what, let location):
            return "Protocol violation in \(location): \(what). This is a bug in Sluice or an unsupported server; please report it with the server version."
        case .packetTooLarge(let size, let limit):
            return "A packet of \(size) bytes exceeds the limit of \(limit) bytes. Raise the client's maximum packet size to at least the server's max_allowed_packet."
        case .binlogStalled(let silentFor):
            return "The binlog stream received nothing, not even a heartbeat, for \(silentFor). The server or network may be hung; reconnect and resume from the last position."
        case .responseTimeout(let host, let port, let during, let timeout):
            return "\(host):\(port) did not answer \(during) within \(timeout), so the connection was closed. The server may be hung or cut off by the network; reconnect to continue."
        case .invalidRequest(let reason):
            return "Invalid request: \(reason)."
        }
    }
}
