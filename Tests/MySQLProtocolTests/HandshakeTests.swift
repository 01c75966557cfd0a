import NIOCore
import Testing

@testable import MySQLProtocol

@Suite struct HandshakeTests {
    /// The greeting of MariaDB 10.11.19 (Debian 12) with TLS enabled, captured on loopback.
    static let mariaDBGreeting = ByteBuffer(hex: """
        680000000a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275312d6c6f6700050000005328695c6e355a49
        00feff080200ff81150000000000001d000000404167613274725f63576825006d7973716c5f6e61746976655f70617373776f726400
        """)

    static let mariaDBNonce = [UInt8](hex: "5328695c6e355a49 404167613274725f63576825")

    @Test func parsesARealMariaDBGreeting() throws {
        var wire = Self.mariaDBGreeting
        var decoder = MySQLPacketDecoder(maximumPayloadSize: 1 << 30)
        let packet = try #require(try decoder.decode(buffer: &wire))
        #expect(packet.sequenceID == 0)
        let greeting = try HandshakeV10(decoding: packet.payload)
        #expect(greeting.serverVersion == "5.5.5-10.11.19-MariaDB-0+deb12u1-log")
        #expect(greeting.displayVersion == "10.11.19-MariaDB-0+deb12u1-log")
        #expect(greeting.isMariaDB)
        #expect(greeting.connectionID == 5)
        #expect(greeting.authPluginData == Self.mariaDBNonce)
        #expect(greeting.capabilities.rawValue == 0x81FF_FFFE)
        #expect(greeting.capabilities.contains([.ssl, .protocol41, .secureConnection, .pluginAuth, .deprecateEOF]))
        #expect(!greeting.capabilities.contains(.longPassword), "MariaDB clears CLIENT_MYSQL")
        #expect(greeting.mariaDBExtendedCapabilities == 0x1D)
        #expect(greeting.characterSet == 8)
        #expect(greeting.status.rawValue == 0x0002)
        #expect(greeting.authPluginName == "mysql_native_password")
    }

    @Test func parsesAMySQL8Greeting() throws {
        let nonce = [UInt8](1...20)
        let greeting = try HandshakeV10(decoding: ByteBuffer(bytes: ServerPacket.mysql8Greeting(nonce: nonce)))
        #expect(greeting.serverVersion == "8.0.36")
        #expect(!greeting.isMariaDB)
        #expect(greeting.mariaDBExtendedCapabilities == nil)
        #expect(greeting.authPluginData == nonce)
        #expect(greeting.authPluginName == "caching_sha2_password")
        #expect(greeting.characterSet == 255)
        #expect(ConnectionStateMachine.utf8mb4CollationID(for: greeting) == 255)
    }

    @Test func rejectsTruncatedAndOldGreetings() {
        #expect(throws: MySQLError.self) { try HandshakeV10(decoding: ByteBuffer(hex: "0a352e3500010000")) }
        #expect(throws: MySQLError.self) { try HandshakeV10(decoding: ByteBuffer(hex: "09352e3000")) }
    }

    @Test func encodesTheHandshakeResponse() {
        let response = HandshakeResponse41(
            capabilities: [.protocol41, .secureConnection, .pluginAuth, .pluginAuthLengthEncodedClientData, .connectWithDB],
            maxPacketSize: 0x4000_0000,
            characterSet: 45,
            username: "sluice",
            authResponse: [0xAA, 0xBB],
            database: "shop",
            authPluginName: "mysql_native_password"
        )
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        let expected = [UInt8](hex: """
            08822800 00000040 2d 0000000000000000000000000000000000000000000000
            736c7569636500 02aabb 73686f7000 6d7973716c5f6e61746976655f70617373776f726400
            """)
        #expect(buffer.bytes == expected)
    }

    @Test func encodesTheOneByteAuthLengthWithoutLengthEncodedClientData() {
        let response = HandshakeResponse41(
            capabilities: [.protocol41, .secureConnection],
            maxPacketSize: 0, characterSet: 45, username: "u", authResponse: [1, 2, 3], database: "ignored",
            authPluginName: "ignored"
        )
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        #expect(Array(buffer.bytes[32...]) == [0x75, 0x00, 0x03, 1, 2, 3])
    }

    @Test func encodesTheSSLRequestAsTheResponsesFirst32Bytes() {
        var buffer = ByteBuffer()
        SSLRequest(capabilities: [.protocol41, .ssl], maxPacketSize: 0xFF_FFFF, characterSet: 255).encode(into: &buffer)
        #expect(buffer.bytes == [UInt8](hex: "000a0000 ffffff00 ff") + [UInt8](repeating: 0, count: 23))
    }
}
