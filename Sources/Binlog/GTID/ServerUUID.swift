/// A MySQL server UUID (`server_uuid`), the source part of a MySQL GTID.
///
/// Its own small type rather than Foundation's `UUID`: MySQL prints UUIDs in lower case, GTID sets
/// sort by them, and the binlog holds them as 16 raw bytes.
public struct ServerUUID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 16 bytes in wire order, as two big-endian halves so that comparison is byte order.
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The UUID from its 16 bytes in wire order; nil unless there are exactly 16.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (i, byte) in bytes.enumerated() {
            if i < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// Parses `3e11fa47-71ca-11e1-9e33-c80aa9429562` (any case; the dashes may be left out).
    public init?(_ text: some StringProtocol) {
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(32)
        for (i, char) in text.utf8.enumerated() {
            if char == UInt8(ascii: "-") {
                guard [8, 13, 18, 23].contains(i) else { return nil }
                continue
            }
            guard let value = Self.hexValue(char) else { return nil }
            nibbles.append(value)
        }
        guard nibbles.count == 32 else { return nil }
        let bytes = stride(from: 0, to: 32, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
        self.init(bytes: bytes)
    }

    private static func hexValue(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The 16 bytes in wire order.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(i) { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func < (lhs: ServerUUID, rhs: ServerUUID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
