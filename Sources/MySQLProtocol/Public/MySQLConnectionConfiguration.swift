import NIOSSL

/// How to reach and log in to a MySQL or MariaDB server.
public struct MySQLConnectionConfiguration: Sendable {
    /// Whether and how to use TLS.
    public enum TLSMode: Sendable, Hashable {
        /// Never use TLS.
        case disabled
        /// Use TLS if the server offers it, without verifying its certificate; otherwise plain.
        case preferred
        /// Insist on TLS, without verifying the server's certificate.
        case required
        /// Insist on TLS and verify the server's certificate against the CA certificates in this
        /// PEM file (the host name is not checked, as in the MySQL client's VERIFY_CA).
        case verifyCA(caFile: String)
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String
    /// The default database for the session (CLIENT_CONNECT_WITH_DB); nil for none.
    public var database: String?
    public var tls: TLSMode
    /// caching_sha2_password without TLS encrypts the password with the server's RSA key. Give the
    /// key's PEM here to avoid fetching it from the server, which a man in the middle could forge.
    public var serverRSAPublicKeyPEM: String?
    /// The limit for the TCP connect, and again for the handshake that follows it.
    public var connectTimeout: Duration
    /// How long a query or a replica registration may wait for the server's answer before the
    /// connection is given up as hung (`MySQLError.responseTimeout`); nil waits as long as it takes.
    /// A server that stops answering without closing its socket (frozen, or cut off by the network)
    /// would otherwise hold the caller forever: nothing else ends a wait on a silent socket.
    public var responseTimeout: Duration?
    /// The largest packet accepted from the server; at least the server's max_allowed_packet,
    /// since one binlog event is one packet.
    public var maximumPacketSize: Int

    public init(
        host: String, port: Int = 3306, username: String, password: String = "", database: String? = nil,
        tls: TLSMode = .preferred, serverRSAPublicKeyPEM: String? = nil, connectTimeout: Duration = .seconds(10),
        responseTimeout: Duration? = nil, maximumPacketSize: Int = 1 << 30
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.serverRSAPublicKeyPEM = serverRSAPublicKeyPEM
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.maximumPacketSize = maximumPacketSize
    }

    /// The NIOSSL context for the TLS mode, or nil when TLS is disabled. Made before connecting
    /// so that a missing or unreadable CA file fails at once.
    func makeSSLContext() throws -> NIOSSLContext? {
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        switch self.tls {
        case .disabled:
            return nil
        case .preferred, .required:
            tlsConfiguration.certificateVerification = .none
        case .verifyCA(let caFile):
            tlsConfiguration.trustRoots = .file(caFile)
            tlsConfiguration.certificateVerification = .noHostnameVerification
        }
        do {
            return try NIOSSLContext(configuration: tlsConfiguration)
        } catch {
            throw MySQLError.tlsFailed(reason: "could not set up TLS for mode \(self.tls) (\(error))")
        }
    }

    var stateMachineConfiguration: ConnectionStateMachine.Configuration {
        let requirement: ConnectionStateMachine.TLSRequirement
        switch self.tls {
        case .disabled: requirement = .disabled
        case .preferred: requirement = .preferred
        case .required, .verifyCA: requirement = .required
        }
        return .init(
            host: self.host, port: self.port, username: self.username, password: self.password, database: self.database,
            tls: requirement, serverRSAPublicKeyPEM: self.serverRSAPublicKeyPEM,
            maximumPacketSize: UInt32(clamping: self.maximumPacketSize)
        )
    }
}
