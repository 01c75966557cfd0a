import NIOCore
import Testing

@testable import MySQLProtocol

@Suite struct ServerPacketTests {
    @Test func errPacketWithSQLState() throws {
        let payload = ByteBuffer(bytes: ServerPacket.err(code: 1236, sqlState: "HY000", message: "Could not find first log file name in binary log index file"))
        #expect(ERRPacket.isERR(payload))
        let error = try ERRPacket.decode(payload)
        #expect(error == MySQLServerError(code: 1236, sqlState: "HY000", message: "Could not find first log file name in binary log index file"))
        #expect(MySQLError.server(error).description.contains("1236 (HY000)"))
    }

    @Test func errPacketBeforeTheHandshakeHasNoSQLState() throws {
        // MariaDB's "Host is not allowed to connect", sent instead of the greeting.
        let payload = ByteBuffer(bytes: [0xFF, 0x6A, 0x04] + Array("Host '10.0.0.9' is not allowed to connect to this MariaDB server".utf8))
        let error = try ERRPacket.decode(payload)
        #expect(error.code == 1130)
        #expect(error.sqlState == nil)
        #expect(error.message.hasPrefix("Host '10.0.0.9'"))
    }

    @Test func okPacket() throws {
        let ok = try OKPacket(decoding: ByteBuffer(hex: "00 fc1027 05 0a00 0300"))
        #expect(ok.affectedRows == 10000)
        #expect(ok.lastInsertID == 5)
        #expect(ok.status.contains(.moreResultsExist))
        #expect(ok.warnings == 3)
        #expect(throws: MySQLError.self) { try OKPacket(decoding: ByteBuffer(hex: "00 01")) }
    }

    @Test func eofIsOnlyAShort0xFEPacket() {
        #expect(EOFPacket.isEOF(ByteBuffer(bytes: ServerPacket.eof())))
        #expect(!EOFPacket.isEOF(ByteBuffer(hex: "fe 0000000001000000 41")))
        let eof = EOFPacket(decoding: ByteBuffer(hex: "fe 0100 0a00"))
        #expect(eof.warnings == 1)
        #expect(eof.status.contains(.moreResultsExist))
    }
}
