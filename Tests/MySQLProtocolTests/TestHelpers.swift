import Foundation
import NIOCore

@testable import MySQLProtocol

extension Array where Element == UInt8 {
    /// Bytes from hex digits; whitespace is ignored so fixtures can be laid out by field.
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }.map { UInt8(String($0), radix: 16)! }
        self = stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    var hex: String { self.map { String(format: "%02x", $0) }.joined() }
}

extension ByteBuffer {
    init(hex: String) {
        self.init(bytes: [UInt8](hex: hex))
    }

    var bytes: [UInt8] { Array(self.readableBytesView) }
}

/// A payload framed with the 4-byte header.
func frame(_ payload: [UInt8], sequenceID: UInt8) -> ByteBuffer {
    var sequenceID = sequenceID
    var out = ByteBuffer()
    MySQLPacketEncoder.encode(ByteBuffer(bytes: payload), sequenceID: &sequenceID, into: &out)
    return out
}

/// Payload builders for server responses, laid out as the protocol documentation describes them.
enum ServerPacket {
    static func ok(affectedRows: UInt8 = 0, lastInsertID: UInt8 = 0, status: UInt16 = 0x0002, header: UInt8 = 0x00) -> [UInt8] {
        [header, affectedRows, lastInsertID, UInt8(status & 0xFF), UInt8(status >> 8), 0, 0]
    }

    static func eof(status: UInt16 = 0x0002) -> [UInt8] {
        [0xFE, 0, 0, UInt8(status & 0xFF), UInt8(status >> 8)]
    }

    static func err(code: UInt16, sqlState: String, message: String) -> [UInt8] {
        [0xFF, UInt8(code & 0xFF), UInt8(code >> 8)] + Array("#\(sqlState)\(message)".utf8)
    }

    static func columnDefinition(name: String, type: UInt8 = 0xFD, charset: UInt16 = 45) -> [UInt8] {
        var buffer = ByteBuffer()
        for field in ["def", "shop", "t", "t", name, name] { buffer.writeLengthEncodedBytes(Array(field.utf8)) }
        buffer.writeInteger(UInt8(0x0C))
        buffer.writeInteger(charset, endianness: .little)
        buffer.writeInteger(UInt32(80), endianness: .little)
        buffer.writeInteger(type)
        buffer.writeInteger(UInt16(0), endianness: .little)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt16(0), endianness: .little)
        return buffer.bytes
    }

    static func row(_ cells: [String?]) -> [UInt8] {
        var buffer = ByteBuffer()
        for cell in cells {
            if let cell { buffer.writeLengthEncodedBytes(Array(cell.utf8)) } else { buffer.writeInteger(UInt8(0xFB)) }
        }
        return buffer.bytes
    }

    /// A MySQL 8 greeting built from the HandshakeV10 layout.
    static func mysql8Greeting(nonce: [UInt8], plugin: String = "caching_sha2_password", ssl: Bool = true) -> [UInt8] {
        var capabilities: UInt32 = 0xDFFF_F7FF  // a MySQL 8.0 server's usual set, without CLIENT_SSL
        if ssl { capabilities |= 1 << 11 }
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(10))
        buffer.writeNullTerminatedString("8.0.36")
        buffer.writeInteger(UInt32(42), endianness: .little)
        buffer.writeBytes(nonce[0..<8])
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt16(capabilities & 0xFFFF), endianness: .little)
        buffer.writeInteger(UInt8(255))
        buffer.writeInteger(UInt16(0x0002), endianness: .little)
        buffer.writeInteger(UInt16(capabilities >> 16), endianness: .little)
        buffer.writeInteger(UInt8(21))
        buffer.writeRepeatingByte(0, count: 10)
        buffer.writeBytes(nonce[8..<20])
        buffer.writeInteger(UInt8(0))
        buffer.writeNullTerminatedString(plugin)
        return buffer.bytes
    }
}
