import NIOCore

/// The protocol's basic data types (dev.mysql.com page_protocol_basic_dt_integers and _strings).
extension ByteBuffer {
    /// Reads a length-encoded integer. Returns nil if the bytes run out or the first byte is 0xFB
    /// (NULL in a row) or 0xFF (not an integer), leaving the reader index where it was.
    mutating func readLengthEncodedInteger() -> UInt64? {
        guard let first = self.getInteger(at: self.readerIndex, as: UInt8.self) else { return nil }
        let width: Int
        switch first {
        case 0..<0xFB:
            self.moveReaderIndex(forwardBy: 1)
            return UInt64(first)
        case 0xFC: width = 2
        case 0xFD: width = 3
        case 0xFE: width = 8
        default: return nil
        }
        guard let bytes = self.getBytes(at: self.readerIndex + 1, length: width) else { return nil }
        self.moveReaderIndex(forwardBy: 1 + width)
        return bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func writeLengthEncodedInteger(_ value: UInt64) {
        switch value {
        case 0..<0xFB:
            self.writeInteger(UInt8(value))
        case 0xFB...0xFFFF:
            self.writeInteger(UInt8(0xFC))
            self.writeInteger(UInt16(value), endianness: .little)
        case 0x1_0000...0xFF_FFFF:
            self.writeInteger(UInt8(0xFD))
            self.writeInteger(UInt8(truncatingIfNeeded: value))
            self.writeInteger(UInt16(truncatingIfNeeded: value >> 8), endianness: .little)
        default:
            self.writeInteger(UInt8(0xFE))
            self.writeInteger(value, endianness: .little)
        }
    }

    /// Reads a length-encoded string's bytes as a slice, or nil if they run out.
    mutating func readLengthEncodedSlice() -> ByteBuffer? {
        let start = self.readerIndex
        guard let length = self.readLengthEncodedInteger(), length <= UInt64(self.readableBytes),
            let slice = self.readSlice(length: Int(length))
        else {
            self.moveReaderIndex(to: start)
            return nil
        }
        return slice
    }

    mutating func readLengthEncodedString() -> String? {
        self.readLengthEncodedSlice().map { String(buffer: $0) }
    }

    mutating func writeLengthEncodedBytes(_ bytes: some Collection<UInt8>) {
        self.writeLengthEncodedInteger(UInt64(bytes.count))
        self.writeBytes(bytes)
    }
}
