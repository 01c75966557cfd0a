/// MySQL's binary DECIMAL format (`decimal2bin` in `strings/decimal.cc`), as NEWDECIMAL columns in
/// row events and DECIMAL values inside binary JSON store it.
///
/// The integer and fraction digits are cut into groups of nine, each stored big-endian in four bytes;
/// the leftover digits (at the far left of the integer part, at the far right of the fraction) take
/// only as many bytes as they need. The first byte's top bit is flipped, and a negative value has
/// every byte inverted, so that the bytes sort like the numbers.
enum DecimalBinary {
    /// The number of bytes a DECIMAL(precision, scale) takes.
    static func size(precision: Int, scale: Int) -> Int {
        let integerDigits = precision - scale
        return integerDigits / 9 * 4 + bytes(forDigits: integerDigits % 9)
            + scale / 9 * 4 + bytes(forDigits: scale % 9)
    }

    /// Decodes the value to its exact literal with `scale` fraction digits, e.g. `-12.340`.
    ///
    /// - Throws: `.malformed` when precision or scale are out of MySQL's range, the bytes are too few,
    ///   or a group holds more digits than it may.
    static func decode(_ bytes: UnsafeRawBufferPointer, precision: Int, scale: Int) throws(BinlogError) -> String {
        guard (1...65).contains(precision), (0...min(30, precision)).contains(scale) else {
            throw BinlogError(.malformed, "DECIMAL(\(precision),\(scale)) is out of range")
        }
        let size = Self.size(precision: precision, scale: scale)
        guard bytes.count >= size else {
            throw BinlogError(.malformed, "DECIMAL(\(precision),\(scale)) needs \(size) bytes, has \(bytes.count)")
        }
        let isNegative = bytes[0] & 0x80 == 0
        var reader = GroupReader(bytes: bytes, mask: isNegative ? 0xFF : 0x00)
        var text = [UInt8]()
        text.reserveCapacity(precision + 2)
        if isNegative { text.append(UInt8(ascii: "-")) }
        let signLength = text.count

        let integerDigits = precision - scale
        let leadingDigits = integerDigits % 9
        var integerPart = [try reader.group(digits: leadingDigits)]
        for _ in 0..<integerDigits / 9 {
            integerPart.append(try reader.group(digits: 9))
        }
        // Leading zero groups print nothing; the first non-zero group prints without padding.
        for group in integerPart where group != 0 || text.count > signLength {
            append(group, width: text.count > signLength ? 9 : 1, to: &text)
        }
        if text.count == signLength { text.append(UInt8(ascii: "0")) }

        var isZero = integerPart.allSatisfy { $0 == 0 }
        if scale > 0 {
            text.append(UInt8(ascii: "."))
            for _ in 0..<scale / 9 {
                let group = try reader.group(digits: 9)
                isZero = isZero && group == 0
                append(group, width: 9, to: &text)
            }
            if scale % 9 > 0 {
                let group = try reader.group(digits: scale % 9)
                isZero = isZero && group == 0
                append(group, width: scale % 9, to: &text)
            }
        }
        if isNegative && isZero { text.removeFirst() }
        return String(decoding: text, as: UTF8.self)
    }

    private static func bytes(forDigits digits: Int) -> Int {
        digits == 9 ? 4 : (digits + 1) / 2
    }

    /// Appends `value` (below 10⁹) in decimal, zero-padded to `width` digits.
    private static func append(_ value: UInt32, width: Int, to text: inout [UInt8]) {
        var divisor: UInt32 = 1
        var digitCount = 1
        while value / divisor >= 10 {
            divisor *= 10
            digitCount += 1
        }
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - digitCount)))
        while divisor > 0 {
            text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// Reads the digit groups in order, undoing the sign encoding.
    private struct GroupReader {
        let bytes: UnsafeRawBufferPointer
        let mask: UInt8
        var offset = 0

        mutating func group(digits: Int) throws(BinlogError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<DecimalBinary.bytes(forDigits: digits) {
                var byte = self.bytes[self.offset] ^ self.mask
                if self.offset == 0 { byte ^= 0x80 }
                value = value << 8 | UInt32(byte)
                self.offset += 1
            }
            var limit: UInt32 = 1
            for _ in 0..<digits { limit *= 10 }
            guard value < limit else {
                throw BinlogError(.malformed, "DECIMAL group \(value) has more than \(digits) digits")
            }
            return value
        }
    }
}
