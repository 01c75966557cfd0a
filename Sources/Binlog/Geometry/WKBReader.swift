/// A bounds-checked reader over well-known binary (OGC Simple Features §8.2).
///
/// Every geometry, including each one nested in a multi-geometry or collection, starts with its own
/// byte-order byte (0 big-endian, 1 little-endian) and a 32-bit type, so the order is per geometry.
struct WKBReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { self.offset == self.bytes.count }

    /// Reads a geometry's byte order and type; returns the type and whether it is big-endian.
    mutating func header() throws(BinlogError) -> (type: UInt32, bigEndian: Bool) {
        let headerOffset = self.offset
        let order = try self.byte()
        guard order <= 1 else { throw Self.malformed("byte order \(order)", at: headerOffset) }
        let bigEndian = order == 0
        return (try self.uint32(bigEndian: bigEndian), bigEndian)
    }

    /// Reads the header of a geometry nested in a multi-geometry, which must be of `expected` type.
    mutating func header(expecting expected: UInt32) throws(BinlogError) -> Bool {
        let headerOffset = self.offset
        let (type, bigEndian) = try self.header()
        guard type == expected else {
            throw Self.malformed("geometry type \(type) where \(expected) was expected", at: headerOffset)
        }
        return bigEndian
    }

    mutating func uint32(bigEndian: Bool) throws(BinlogError) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 {
            let byte = UInt32(try self.byte())
            value |= bigEndian ? byte << (8 * (3 - index)) : byte << (8 * index)
        }
        return value
    }

    /// Reads a coordinate; JSON cannot hold NaN or infinities, so they are malformed here.
    mutating func coordinate(bigEndian: Bool) throws(BinlogError) -> Double {
        let coordinateOffset = self.offset
        guard self.bytes.count - self.offset >= 8 else { throw Self.malformed("truncated", at: self.offset) }
        var bits: UInt64 = 0
        for index in 0..<8 {
            let byte = UInt64(self.bytes[self.offset + index])
            bits |= bigEndian ? byte << (8 * (7 - index)) : byte << (8 * index)
        }
        self.offset += 8
        let value = Double(bitPattern: bits)
        guard value.isFinite else { throw Self.malformed("non-finite coordinate", at: coordinateOffset) }
        return value
    }

    private mutating func byte() throws(BinlogError) -> UInt8 {
        guard self.offset < self.bytes.count else { throw Self.malformed("truncated", at: self.offset) }
        defer { self.offset += 1 }
        return self.bytes[self.offset]
    }

    static func malformed(_ what: String, at offset: Int) -> BinlogError {
        BinlogError(.malformed, "WKB: \(what) at byte \(offset) of the geometry")
    }
}
