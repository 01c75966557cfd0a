import NIOCore

/// A bounds-checked little reader over the bytes of one event.
///
/// Every event decoder and the row decoder read through this one type, so every length that comes
/// from input is checked in one place. It reads straight from the `ByteBuffer`'s memory (the hot path
/// decodes millions of values a second), and keeps the buffer itself to hand out zero-copy slices.
/// It is only valid inside `ByteBuffer.withByteCursor`.
struct ByteCursor {
    private let buffer: ByteBuffer
    /// Where `bytes` starts, counted from the buffer's reader index.
    private let base: Int
    private let bytes: UnsafeRawBufferPointer
    /// Offset from the start of the bytes this cursor covers.
    private(set) var position: Int

    fileprivate init(buffer: ByteBuffer, base: Int, bytes: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.base = base
        self.bytes = bytes
        self.position = 0
    }

    /// A cursor over the next `n` bytes, which this one skips.
    mutating func readCursor(_ n: Int) throws(BinlogError) -> ByteCursor {
        try check(n)
        defer { position &+= n }
        return ByteCursor(buffer: buffer, base: base &+ position, bytes: UnsafeRawBufferPointer(rebasing: bytes[position..<(position &+ n)]))
    }

    var count: Int { bytes.count }
    /// Everything the cursor covers, read or not (for checksums).
    var allBytes: UnsafeRawBufferPointer { bytes }
    var remaining: Int { bytes.count &- position }
    var isAtEnd: Bool { position >= bytes.count }

    @inline(__always)
    private func check(_ n: Int) throws(BinlogError) {
        guard n >= 0, n <= bytes.count &- position else {
            throw BinlogError(.truncated, "needs \(n) bytes at byte \(base &+ position), \(remaining) left")
        }
    }

    @inline(__always)
    mutating func skip(_ n: Int) throws(BinlogError) {
        try check(n)
        position &+= n
    }

    @inline(__always)
    mutating func readUInt8() throws(BinlogError) -> UInt8 {
        try check(1)
        defer { position &+= 1 }
        return bytes.load(fromByteOffset: position, as: UInt8.self)
    }

    @inline(__always)
    mutating func readLE<T: FixedWidthInteger>(_: T.Type = T.self) throws(BinlogError) -> T {
        try check(MemoryLayout<T>.size)
        defer { position &+= MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    @inline(__always)
    mutating func readBE<T: FixedWidthInteger>(_: T.Type = T.self) throws(BinlogError) -> T {
        try check(MemoryLayout<T>.size)
        defer { position &+= MemoryLayout<T>.size }
        return T(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    /// An unsigned little-endian integer of 0…8 bytes (MySQL has 3-, 6- and 7-byte ones).
    @inline(__always)
    mutating func readLE(byteCount n: Int) throws(BinlogError) -> UInt64 {
        switch n {
        case 1: return UInt64(try readUInt8())
        case 2: return UInt64(try readLE(UInt16.self))
        case 4: return UInt64(try readLE(UInt32.self))
        case 8: return try readLE(UInt64.self)
        default: break
        }
        guard n <= 8 else { throw BinlogError(.malformed, "a \(n)-byte integer is wider than 8 bytes") }
        try check(n)
        var value: UInt64 = 0
        var i = n
        while i > 0 {
            i &-= 1
            value = value << 8 | UInt64(bytes[position &+ i])
        }
        position &+= n
        return value
    }

    /// An unsigned big-endian integer of 0…8 bytes (temporal and DECIMAL encodings).
    @inline(__always)
    mutating func readBE(byteCount n: Int) throws(BinlogError) -> UInt64 {
        guard n <= 8 else { throw BinlogError(.malformed, "a \(n)-byte integer is wider than 8 bytes") }
        try check(n)
        var value: UInt64 = 0
        for i in 0..<n {
            value = value << 8 | UInt64(bytes[position &+ i])
        }
        position &+= n
        return value
    }

    /// A length prefix of 1, 2, 3 or 4 bytes, as an `Int` length.
    @inline(__always)
    mutating func readLength(byteCount n: Int) throws(BinlogError) -> Int {
        Int(truncatingIfNeeded: try readLE(byteCount: n))
    }

    /// The protocol's length-encoded integer (a "packed integer" in the server's sources).
    mutating func readLengthEncoded() throws(BinlogError) -> UInt64 {
        let first = try readUInt8()
        switch first {
        case 0..<0xFB: return UInt64(first)
        case 0xFC: return try readLE(byteCount: 2)
        case 0xFD: return try readLE(byteCount: 3)
        case 0xFE: return try readLE(UInt64.self)
        default:
            throw BinlogError(.malformed, "invalid length-encoded integer prefix 0x\(String(first, radix: 16)) at byte \(base &+ position &- 1)")
        }
    }

    /// A length-encoded integer used as a length or count: it must fit in what is left of the event,
    /// so a corrupt value cannot ask for a huge allocation.
    mutating func readLengthEncodedCount(elementSize: Int = 1) throws(BinlogError) -> Int {
        let value = try readLengthEncoded()
        guard value <= UInt64(remaining / max(elementSize, 1)) else {
            throw BinlogError(.truncated, "length \(value) at byte \(base &+ position) exceeds the \(remaining) bytes left")
        }
        return Int(value)
    }

    /// The variable-length unsigned integer of MySQL's serialization library (tagged GTIDs): the
    /// number of trailing one bits of the first byte, plus one, is the byte count.
    mutating func readSerializedUInt() throws(BinlogError) -> UInt64 {
        try check(1)
        let first = bytes[position]
        let extra = (~first).trailingZeroBitCount
        if extra == 8 {
            try check(9)
            let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position &+ 1, as: UInt64.self))
            position &+= 9
            return value
        }
        let value = try readLE(byteCount: extra + 1)
        return value >> UInt64(extra + 1)
    }

    /// A signed serialization-library integer: zig-zag encoded, sign in the lowest bit.
    mutating func readSerializedInt() throws(BinlogError) -> Int64 {
        let raw = try readSerializedUInt()
        let magnitude = Int64(bitPattern: raw >> 1)
        return raw & 1 == 0 ? magnitude : -magnitude - 1
    }

    /// Raw bytes, valid as long as the cursor is.
    @inline(__always)
    mutating func readBytes(_ n: Int) throws(BinlogError) -> UnsafeRawBufferPointer {
        try check(n)
        defer { position &+= n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position &+ n)])
    }

    mutating func readArray(_ n: Int) throws(BinlogError) -> [UInt8] {
        Array(try readBytes(n))
    }

    /// A zero-copy slice of the underlying buffer.
    mutating func readSlice(_ n: Int) throws(BinlogError) -> ByteBuffer {
        try check(n)
        defer { position &+= n }
        // In range by `check`, so the slice always exists.
        return buffer.getSlice(at: buffer.readerIndex &+ base &+ position, length: n) ?? ByteBuffer()
    }

    /// UTF-8 text; invalid sequences become U+FFFD rather than failing the event.
    mutating func readString(_ n: Int) throws(BinlogError) -> String {
        String(decoding: try readBytes(n), as: UTF8.self)
    }

    mutating func readRestAsString() throws(BinlogError) -> String {
        try readString(remaining)
    }
}

extension ByteBuffer {
    /// Runs `body` with a cursor over the readable bytes. The buffer's reader index does not move.
    func withByteCursor<T>(_ body: (inout ByteCursor) throws(BinlogError) -> T) throws(BinlogError) -> T {
        let result: Result<T, BinlogError> = withUnsafeReadableBytes { bytes in
            var cursor = ByteCursor(buffer: self, base: 0, bytes: bytes)
            return Result { () throws(BinlogError) -> T in try body(&cursor) }
        }
        return try result.get()
    }
}
