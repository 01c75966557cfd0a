import NIOCore
import Testing
import _CryptoExtras

@testable import MySQLProtocol

@Suite struct AuthenticationStateMachineTests {
    static let nonce = [UInt8](1...20)

    static func machine(
        plugin: String? = "caching_sha2_password", password: String = "secret", isTLS: Bool = false, pem: String? = nil
    ) -> AuthenticationStateMachine {
        AuthenticationStateMachine(
            credentials: .init(username: "repl", password: password, serverRSAPublicKeyPEM: pem, isTLS: isTLS),
            serverPluginName: plugin, nonce: nonce
        )
    }

    static func packet(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    @Test func cachingSHA2FastPath() throws {
        var auth = Self.machine()
        #expect(auth.pluginName == "caching_sha2_password")
        #expect(auth.initialResponse == AuthPlugin.cachingSHA2Password.initialResponse(password: "secret", nonce: Self.nonce))
        #expect(auth.packetReceived(Self.packet([0x01, 0x03])) == .wait)
        let ok = try OKPacket(decoding: Self.packet(ServerPacket.ok()))
        #expect(auth.packetReceived(Self.packet(ServerPacket.ok())) == .authenticated(ok))
    }

    @Test func cachingSHA2FullAuthenticationOverTLSSendsTheCleartextPassword() throws {
        var auth = Self.machine(isTLS: true)
        #expect(auth.packetReceived(Self.packet([0x01, 0x04])) == .sendAuthData(Array("secret\0".utf8)))
        guard case .authenticated = auth.packetReceived(Self.packet(ServerPacket.ok())) else {
            Issue.record("expected authentication to succeed")
            return
        }
    }

    @Test func cachingSHA2FullAuthenticationAsksForTheServerKeyWithoutTLS() throws {
        let privateKey = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        var auth = Self.machine()
        #expect(auth.packetReceived(Self.packet([0x01, 0x04])) == .sendAuthData([0x02]))

        let keyPacket = [0x01] + Array(privateKey.publicKey.pemRepresentation.utf8)
        guard case .sendAuthData(let encrypted) = auth.packetReceived(Self.packet(keyPacket)) else {
            Issue.record("expected the RSA-encrypted password")
            return
        }
        let plain = Array(try privateKey.decrypt(encrypted, padding: .PKCS1_OAEP))
        #expect(plain == Array("secret\0".utf8).enumerated().map { $0.element ^ Self.nonce[$0.offset] })
        guard case .authenticated = auth.packetReceived(Self.packet(ServerPacket.ok())) else {
            Issue.record("expected authentication to succeed")
            return
        }
    }

    @Test func cachingSHA2FullAuthenticationUsesTheConfiguredKey() throws {
        let privateKey = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        var auth = Self.machine(pem: privateKey.publicKey.pemRepresentation)
        guard case .sendAuthData(let encrypted) = auth.packetReceived(Self.packet([0x01, 0x04])) else {
            Issue.record("expected the RSA-encrypted password")
            return
        }
        let plain = Array(try privateKey.decrypt(encrypted, padding: .PKCS1_OAEP))
        #expect(plain == Array("secret\0".utf8).enumerated().map { $0.element ^ Self.nonce[$0.offset] })
    }

    @Test func aBadServerKeyFailsNamingUserAndPlugin() {
        var auth = Self.machine()
        _ = auth.packetReceived(Self.packet([0x01, 0x04]))
        guard case .fail(.authenticationFailed(let user, let plugin, nil, _)) = auth.packetReceived(Self.packet([0x01] + Array("junk".utf8))) else {
            Issue.record("expected authentication to fail")
            return
        }
        #expect(user == "repl")
        #expect(plugin == "caching_sha2_password")
    }

    @Test func authSwitchToNativePasswordUsesTheNewNonce() {
        var auth = Self.machine()
        let newNonce = [UInt8](repeating: 0x33, count: 20)
        let request = [0xFE] + Array("mysql_native_password\0".utf8) + newNonce + [0]
        #expect(auth.packetReceived(Self.packet(request)) == .sendAuthData(AuthPlugin.nativePassword.initialResponse(password: "secret", nonce: newNonce)))
        #expect(auth.pluginName == "mysql_native_password")
    }

    @Test func authSwitchToEd25519SignsTheNonce() {
        var auth = Self.machine(plugin: "mysql_native_password")
        let nonce = [UInt8](repeating: 0x44, count: 32)
        let request = [0xFE] + Array("client_ed25519\0".utf8) + nonce
        #expect(auth.packetReceived(Self.packet(request)) == .sendAuthData(MariaDBEd25519.sign(message: nonce, password: Array("secret".utf8))))
    }

    @Test func authSwitchToAnUnknownPluginFails() {
        var auth = Self.machine()
        let request = [0xFE] + Array("auth_gssapi_client\0".utf8) + [1, 2, 3]
        #expect(auth.packetReceived(Self.packet(request)) == .fail(.unsupportedAuthenticationPlugin(user: "repl", plugin: "auth_gssapi_client")))
    }

    @Test func cleartextIsRefusedWithoutTLS() {
        var auth = Self.machine()
        guard case .fail(.authenticationFailed(_, "mysql_clear_password", _, _)) = auth.packetReceived(Self.packet([0xFE] + Array("mysql_clear_password\0".utf8))) else {
            Issue.record("expected a refusal")
            return
        }
        // Nor is it offered first, even when the greeting names it.
        #expect(Self.machine(plugin: "mysql_clear_password").pluginName == "mysql_native_password")
        #expect(Self.machine(plugin: "mysql_clear_password", isTLS: true).pluginName == "mysql_clear_password")
    }

    @Test func unknownGreetingPluginStartsWithNativePassword() {
        #expect(Self.machine(plugin: "dialog").pluginName == "mysql_native_password")
        #expect(Self.machine(plugin: nil).pluginName == "mysql_native_password")
    }

    @Test func accessDeniedBecomesAuthenticationFailed() {
        var auth = Self.machine()
        let denied = ServerPacket.err(code: 1045, sqlState: "28000", message: "Access denied for user 'repl'@'localhost' (using password: YES)")
        let serverError = MySQLServerError(code: 1045, sqlState: "28000", message: "Access denied for user 'repl'@'localhost' (using password: YES)")
        #expect(auth.packetReceived(Self.packet(denied)) == .fail(.authenticationFailed(
            user: "repl", plugin: "caching_sha2_password", serverError: serverError, reason: "the server refused the login"
        )))
        #expect(MySQLError.authenticationFailed(user: "repl", plugin: "caching_sha2_password", serverError: serverError, reason: "x")
            .description.contains("'repl' with plugin caching_sha2_password"))
    }

    @Test func otherLoginErrorsStayServerErrors() {
        var auth = Self.machine()
        let unknownDatabase = ServerPacket.err(code: 1049, sqlState: "42000", message: "Unknown database 'nope'")
        #expect(auth.packetReceived(Self.packet(unknownDatabase)) == .fail(.server(.init(code: 1049, sqlState: "42000", message: "Unknown database 'nope'"))))
    }

    @Test func unexpectedPacketsAreProtocolViolations() {
        var auth = Self.machine(plugin: "mysql_native_password")
        guard case .fail(.protocolViolation) = auth.packetReceived(Self.packet([0x01, 0x03])) else {
            Issue.record("AuthMoreData is only valid for caching_sha2_password")
            return
        }
    }
}
