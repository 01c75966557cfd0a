import NIOCore

/// The binary layout of a DECIMAL(precision, scale) value, and its decoding to an exact literal.
///
/// The server stores digits in groups of nine per 4 bytes, big-endian, integer part then fraction,
/// with a shorter group for the leftover digits on the outer side of each part. The top bit of the
/// first byte is set for non-negative values; negative values have every byte inverted.
struct DecimalLayout: Sendable {
    /// Bytes a group of n < 9 leftover digits takes.
    private static let leftoverBytes = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]
    private static let powersOfTen: [UInt32] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]

    let scale: Int
    private let integerLeftover: Int
    private let integerGroups: Int
    private let fractionGroups: Int
    private let fractionLeftover: Int
    let byteCount: Int

    /// Nil unless 1 ≤ precision ≤ 65 and scale ≤ min(precision, 30), MySQL's limits.
    init?(precision: Int, scale: Int) {
        guard (1...65).contains(precision), scale <= 30, scale <= precision, scale >= 0 else { return nil }
        let integerDigits = precision - scale
        self.scale = scale
        integerLeftover = integerDigits % 9
        integerGroups = integerDigits / 9
        fractionGroups = scale / 9
        fractionLeftover = scale % 9
        byteCount = Self.leftoverBytes[integerLeftover] + integerGroups * 4 + fractionGroups * 4 + Self.leftoverBytes[fractionLeftover]
    }

    /// The exact literal with `scale` fraction digits, e.g. `-12.340`; never via a binary float.
    func decode(_ cursor: inout ByteCursor) throws(BinlogError) -> String {
        let raw = try cursor.readBytes(byteCount)
        let isNegative = raw[0] & 0x80 == 0
        var reader = GroupReader(raw: raw, mask: isNegative ? 0xFF : 0x00)
        // 1 sign + 65 digits + 1 point + a leading 0: at most 68 bytes.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 72) { (out) throws(BinlogError) -> String in
            var text = DigitWriter(out: out)
            if isNegative { text.append(UInt8(ascii: "-")) }
            let integerStart = text.length
            if integerLeftover > 0 {
                text.append(try reader.next(bytes: Self.leftoverBytes[integerLeftover], digits: integerLeftover), digits: integerLeftover, padded: false)
            }
            for _ in 0..<integerGroups {
                text.append(try reader.next(bytes: 4, digits: 9), digits: 9, padded: false)
            }
            if text.length == integerStart { text.append(UInt8(ascii: "0")) }
            var allZero = !text.significant
            if scale > 0 {
                text.append(UInt8(ascii: "."))
                for index in 0..<(fractionGroups + (fractionLeftover > 0 ? 1 : 0)) {
                    let digits = index < fractionGroups ? 9 : fractionLeftover
                    let group = try reader.next(bytes: digits == 9 ? 4 : Self.leftoverBytes[digits], digits: digits)
                    if group != 0 { allZero = false }
                    text.append(group, digits: digits, padded: true)
                }
            }
            // The server never writes negative zero; print it as zero should it appear.
            let start = isNegative && allZero ? 1 : 0
            return String(decoding: UnsafeBufferPointer(rebasing: out[start..<text.length]), as: UTF8.self)
        }
    }

    /// Decodes a value held alone in `bytes` (e.g. an opaque DECIMAL inside binary JSON).
    func decode(_ bytes: some Collection<UInt8>) throws(BinlogError) -> String {
        guard bytes.count == byteCount else {
            throw BinlogError(.malformed, "DECIMAL needs \(byteCount) bytes, has \(bytes.count)")
        }
        return try ByteBuffer(bytes: bytes).withByteCursor { (cursor) throws(BinlogError) -> String in try decode(&cursor) }
    }

    /// Writes the literal's characters; integer groups without their leading zeros.
    private struct DigitWriter {
        let out: UnsafeMutableBufferPointer<UInt8>
        var length = 0
        /// A non-zero digit has been written (so later zeros count).
        var significant = false

        mutating func append(_ character: UInt8) {
            out[length] = character
            length &+= 1
        }

        mutating func append(_ group: UInt32, digits: Int, padded: Bool) {
            // Least significant first, by constant division (a multiply), into place from the right.
            var rest = group
            var index = length &+ digits
            for _ in 0..<digits {
                index &-= 1
                let next = rest / 10
                out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest &- next &* 10)
                rest = next
            }
            if padded || significant {
                length &+= digits
                return
            }
            // Drop leading zeros by moving the rest left.
            var first = length
            while first < length &+ digits && out[first] == UInt8(ascii: "0") { first &+= 1 }
            let kept = length &+ digits &- first
            if kept > 0 {
                if first != length {
                    for i in 0..<kept { out[length &+ i] = out[first &+ i] }
                }
                length &+= kept
                significant = true
            }
        }
    }

    /// Reads the groups in order, undoing the sign mask and the flipped top bit of the first byte.
    private struct GroupReader {
        let raw: UnsafeRawBufferPointer
        let mask: UInt8
        var offset = 0

        mutating func next(bytes: Int, digits: Int) throws(BinlogError) -> UInt32 {
            var value: UInt32 = 0
            for i in offset..<(offset + bytes) {
                var byte = raw[i] ^ mask
                if i == 0 { byte ^= 0x80 }
                value = value << 8 | UInt32(byte)
            }
            offset += bytes
            guard value < DecimalLayout.powersOfTen[digits] else {
                throw BinlogError(.malformed, "DECIMAL group \(value) has more than \(digits) digits")
            }
            return value
        }
    }
}
