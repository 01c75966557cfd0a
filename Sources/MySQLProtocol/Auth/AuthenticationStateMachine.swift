import NIOCore

/// The authentication exchange of the connection phase, from the handshake response until the
/// server's OK or ERR (dev.mysql.com page_protocol_connection_phase and
/// page_caching_sha2_authentication_exchanges). Pure: packets in, actions out.
struct AuthenticationStateMachine: Sendable {
    struct Credentials: Sendable, Equatable {
        var username: String
        var password: String
        /// For caching_sha2_password without TLS; when nil the key is asked from the server.
        var serverRSAPublicKeyPEM: String?
        /// Whether the connection is already encrypted, which allows sending the password as is.
        var isTLS: Bool
    }

    enum Action: Sendable, Equatable {
        /// Send this as the next packet of the exchange.
        case sendAuthData([UInt8])
        /// Nothing to send; wait for the server's next packet.
        case wait
        case authenticated(OKPacket)
        case fail(MySQLError)
    }

    private enum State: Sendable {
        /// The plugin's response is out; the server answers OK, ERR, a switch, or more data.
        case awaitingResult
        /// caching_sha2_password asked for the public key; its PEM comes next.
        case awaitingPublicKey
        /// The exchange's last response is out; only OK or ERR may follow.
        case awaitingOK
        case finished
    }

    private let credentials: Credentials
    private var state: State = .awaitingResult
    /// The plugin in use now; a switch request changes it.
    private(set) var pluginName: String
    private var nonce: [UInt8]

    /// Starts with the plugin the greeting named. For a plugin Sluice lacks, or cleartext without
    /// TLS, it answers as mysql_native_password: the server then switches to what the account needs.
    init(credentials: Credentials, serverPluginName: String?, nonce: [UInt8]) {
        self.credentials = credentials
        self.nonce = nonce
        let plugin = serverPluginName.flatMap(AuthPlugin.init(rawValue:))
        if let plugin, plugin != .clearPassword || credentials.isTLS {
            self.pluginName = plugin.rawValue
        } else {
            self.pluginName = AuthPlugin.nativePassword.rawValue
        }
    }

    /// The auth data for the handshake response.
    var initialResponse: [UInt8] {
        AuthPlugin(rawValue: self.pluginName)?.initialResponse(password: self.credentials.password, nonce: self.nonce) ?? []
    }

    mutating func packetReceived(_ payload: ByteBuffer) -> Action {
        guard case .some(let header) = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else {
            return self.fail(.protocolViolation(what: "empty packet", where: self.location))
        }
        switch (header, self.state) {
        case (_, .finished):
            return self.fail(.protocolViolation(what: "packet after authentication ended", where: self.location))
        case (0x00, _):
            do {
                let ok = try OKPacket(decoding: payload)
                self.state = .finished
                return .authenticated(ok)
            } catch {
                return self.fail(error as? MySQLError ?? .protocolViolation(what: "\(error)", where: self.location))
            }
        case (0xFF, _):
            do {
                let serverError = try ERRPacket.decode(payload)
                // Errors such as "unknown database" (1049) also end the login but are not about credentials.
                guard Self.credentialErrorCodes.contains(serverError.code) else { return self.fail(.server(serverError)) }
                return self.fail(.authenticationFailed(
                    user: self.credentials.username, plugin: self.pluginName, serverError: serverError,
                    reason: "the server refused the login"
                ))
            } catch {
                return self.fail(error as? MySQLError ?? .protocolViolation(what: "\(error)", where: self.location))
            }
        case (0xFE, .awaitingResult):
            return self.switchPlugin(payload)
        case (0x01, .awaitingResult) where self.pluginName == AuthPlugin.cachingSHA2Password.rawValue:
            return self.cachingSHA2Result(payload.getInteger(at: payload.readerIndex + 1, as: UInt8.self))
        case (0x01, .awaitingPublicKey):
            var data = payload
            data.moveReaderIndex(forwardBy: 1)
            return self.sendRSAEncryptedPassword(publicKeyPEM: String(buffer: data))
        default:
            return self.fail(.protocolViolation(
                what: "unexpected packet with header 0x\(String(header, radix: 16))",
                where: self.location
            ))
        }
    }

    /// ER_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR, ER_NOT_SUPPORTED_AUTH_MODE,
    /// ER_PLUGIN_IS_NOT_LOADED, ER_MUST_CHANGE_PASSWORD_LOGIN.
    private static let credentialErrorCodes: Set<UInt16> = [1045, 1698, 1251, 1524, 1862]

    private var location: String { "authentication (plugin \(self.pluginName))" }

    private mutating func fail(_ error: MySQLError) -> Action {
        self.state = .finished
        return .fail(error)
    }

    /// Protocol::AuthSwitchRequest: 0xFE, plugin name, NUL, the new plugin's nonce.
    private mutating func switchPlugin(_ payload: ByteBuffer) -> Action {
        var buffer = payload
        buffer.moveReaderIndex(forwardBy: 1)
        guard let name = buffer.readNullTerminatedString() else {
            // A lone 0xFE is the pre-4.1 switch to mysql_old_password.
            return self.fail(.unsupportedAuthenticationPlugin(user: self.credentials.username, plugin: "mysql_old_password"))
        }
        var nonce = Array(buffer.readableBytesView)
        if nonce.last == 0 { nonce.removeLast() }
        guard let plugin = AuthPlugin(rawValue: name) else {
            return self.fail(.unsupportedAuthenticationPlugin(user: self.credentials.username, plugin: name))
        }
        self.pluginName = name
        guard plugin != .clearPassword || self.credentials.isTLS else {
            return self.fail(.authenticationFailed(
                user: self.credentials.username, plugin: name, serverError: nil,
                reason: "the server wants the password in cleartext, which Sluice sends only over TLS; set the TLS mode to required or verify-ca"
            ))
        }
        self.nonce = nonce
        return .sendAuthData(plugin.initialResponse(password: self.credentials.password, nonce: nonce))
    }

    /// caching_sha2_password's "fast auth result" byte: 0x03 success (OK follows), 0x04 send the password.
    private mutating func cachingSHA2Result(_ result: UInt8?) -> Action {
        switch result {
        case 0x03:
            self.state = .awaitingOK
            return .wait
        case 0x04:
            if self.credentials.isTLS {
                self.state = .awaitingOK
                return .sendAuthData(Array(self.credentials.password.utf8) + [0])
            }
            if let pem = self.credentials.serverRSAPublicKeyPEM {
                return self.sendRSAEncryptedPassword(publicKeyPEM: pem)
            }
            self.state = .awaitingPublicKey
            return .sendAuthData([0x02])
        default:
            return self.fail(.protocolViolation(
                what: "unknown fast-auth result \(result.map { "0x" + String($0, radix: 16) } ?? "(missing)")",
                where: self.location
            ))
        }
    }

    private mutating func sendRSAEncryptedPassword(publicKeyPEM: String) -> Action {
        do {
            let encrypted = try AuthPlugin.rsaEncryptedPassword(self.credentials.password, nonce: self.nonce, publicKeyPEM: publicKeyPEM)
            self.state = .awaitingOK
            return .sendAuthData(encrypted)
        } catch {
            return self.fail(.authenticationFailed(
                user: self.credentials.username, plugin: self.pluginName, serverError: nil,
                reason: "could not encrypt the password with the server's RSA public key (\(error)); check the configured key, or use TLS"
            ))
        }
    }
}
