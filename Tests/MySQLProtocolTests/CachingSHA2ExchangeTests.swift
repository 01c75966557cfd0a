import Logging
import NIOCore
import NIOEmbedded
import Testing
import _CryptoExtras

@testable import MySQLProtocol

/// caching_sha2_password exchanges with a MySQL 8 server, as the MySQL source documentation's
/// page_caching_sha2_authentication_exchanges lays them out, through the real handler.
@Suite struct CachingSHA2ExchangeTests {
    static let nonce = [UInt8](1...20)

    @Test func fullAuthenticationWithTheServersRSAKey() async throws {
        let harness = try await MySQLChannelHandlerTests.Harness()
        let privateKey = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        try await harness.send(ServerPacket.mysql8Greeting(nonce: Self.nonce, ssl: false), sequenceID: 0)

        let response = try #require(try await harness.received())
        #expect(response.sequenceID == 1)
        let scramble = AuthPlugin.cachingSHA2Password.initialResponse(password: "secret", nonce: Self.nonce)
        #expect(response.payload.bytes.firstRange(of: [UInt8(scramble.count)] + scramble) != nil)
        #expect(String(buffer: response.payload).hasSuffix("caching_sha2_password\0"))

        // Not in the server's cache: perform full authentication.
        try await harness.send([0x01, 0x04], sequenceID: 2)
        let keyRequest = try #require(try await harness.received())
        #expect(keyRequest.sequenceID == 3)
        #expect(keyRequest.payload.bytes == [0x02])

        try await harness.send([0x01] + Array(privateKey.publicKey.pemRepresentation.utf8), sequenceID: 4)
        let encrypted = try #require(try await harness.received())
        #expect(encrypted.sequenceID == 5)
        let plain = Array(try privateKey.decrypt(encrypted.payload.bytes, padding: .PKCS1_OAEP))
        #expect(plain == Array("secret\0".utf8).enumerated().map { $0.element ^ Self.nonce[$0.offset] })

        try await harness.send(ServerPacket.ok(), sequenceID: 6)
        let info = try await harness.handshakeDone.get()
        #expect(info.serverVersion == "8.0.36")
        #expect(info.authPluginName == "caching_sha2_password")
    }

    @Test func fastAuthentication() async throws {
        let harness = try await MySQLChannelHandlerTests.Harness()
        try await harness.send(ServerPacket.mysql8Greeting(nonce: Self.nonce, ssl: false), sequenceID: 0)
        _ = try await harness.received()
        try await harness.send([0x01, 0x03], sequenceID: 2)
        #expect(try await harness.received() == nil, "fast-auth success needs no answer")
        try await harness.send(ServerPacket.ok(), sequenceID: 3)
        #expect(try await harness.handshakeDone.get().connectionID == 42)
    }

    @Test func authSwitchFromCachingSHA2ToNativePassword() async throws {
        let harness = try await MySQLChannelHandlerTests.Harness()
        try await harness.send(ServerPacket.mysql8Greeting(nonce: Self.nonce, ssl: false), sequenceID: 0)
        _ = try await harness.received()
        let newNonce = [UInt8](repeating: 7, count: 20)
        try await harness.send([0xFE] + Array("mysql_native_password\0".utf8) + newNonce + [0], sequenceID: 2)
        let switched = try #require(try await harness.received())
        #expect(switched.sequenceID == 3)
        #expect(switched.payload.bytes == AuthPlugin.nativePassword.initialResponse(password: "secret", nonce: newNonce))
        try await harness.send(ServerPacket.ok(), sequenceID: 4)
        #expect(try await harness.handshakeDone.get().authPluginName == "mysql_native_password")
    }
}
