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
        let mask: UInt8 = isNegative ? 0xFF : 0x00
        // 1 sign + 65 digits + 1 point + a leading 0: at most 68 bytes.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 72) { (out) throws(BinlogError) -> String in
            var reader = GroupReader(raw: raw, mask: mask)
            var length = 0
            if isNegative { out[0] = UInt8(ascii: "-"); length = 1 }
            let integerStart = length
            var significant = false

            func append(_ group: UInt32, digits: Int, padded: Bool) {
                var divisor = Self.powersOfTen[digits - 1]
                for _ in 0..<digits {
                    let digit = UInt8(group / divisor % 10)
                    divisor /= 10
                    if padded || significant || digit != 0 {
                        out[length] = UInt8(ascii: "0") + digit
                        length += 1
                        significant = true
                    }
                }
            }

            if integerLeftover > 0 {
                append(try reader.next(bytes: Self.leftoverBytes[integerLeftover], digits: integerLeftover), digits: integerLeftover, padded: false)
            }
            for _ in 0..<integerGroups {
                append(try reader.next(bytes: 4, digits: 9), digits: 9, padded: false)
            }
            if length == integerStart {
                out[length] = UInt8(ascii: "0")
                length += 1
            }
            var allZero = !significant
            if scale > 0 {
                out[length] = UInt8(ascii: ".")
                length += 1
                for index in 0..<(fractionGroups + (fractionLeftover > 0 ? 1 : 0)) {
                    let digits = index < fractionGroups ? 9 : fractionLeftover
                    let group = try reader.next(bytes: digits == 9 ? 4 : Self.leftoverBytes[digits], digits: digits)
                    if group != 0 { allZero = false }
                    append(group, digits: digits, padded: true)
                }
            }
            // The server never writes negative zero; print it as zero should it appear.
            let start = isNegative && allZero ? 1 : 0
            return String(decoding: UnsafeBufferPointer(rebasing: out[start..<length]), as: UTF8.self)
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
