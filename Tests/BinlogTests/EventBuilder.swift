import Binlog
import NIOCore

/// Builds events byte by byte for tests, in the layouts the servers write.
struct EventBuilder {
    var checksummed = false
    var serverID: UInt32 = 1

    func event(_ type: BinlogEventType, flags: UInt16 = 0, nextPosition: UInt32 = 0, body: [UInt8]) -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes += Self.le(UInt32(1_700_000_000))
        bytes.append(type.rawValue)
        bytes += Self.le(serverID)
        bytes += Self.le(UInt32(19 + body.count + (checksummed ? 4 : 0)))
        bytes += Self.le(nextPosition)
        bytes += Self.le(flags)
        bytes += body
        if checksummed { bytes += Self.le(MalformedInputTests.crc32(bytes)) }
        return ByteBuffer(bytes: bytes)
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    static func lengthEncoded(_ value: Int) -> [UInt8] {
        switch value {
        case 0..<251: [UInt8(value)]
        case 251..<65536: [0xFC] + le(UInt16(value))
        default: [0xFE] + le(UInt64(value))
        }
    }

    static func lengthEncoded(_ string: String) -> [UInt8] {
        lengthEncoded(string.utf8.count) + Array(string.utf8)
    }
}
