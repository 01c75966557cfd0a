import NIOCore

/// Low-level JSON output, written straight into the buffer.
///
/// These build every document Sluice emits (millions a second), so they avoid `String`
/// interpolation, `Foundation` and intermediate allocations; strings that need no escaping are
/// copied in one `memcpy`.
extension ByteBuffer {
    /// Writes `string` as a quoted JSON string.
    ///
    /// `"` and `\` are escaped, and so are the control characters U+0000…U+001F (`\n`, `\t`… or
    /// `\u00XX`). Everything else, including non-ASCII text and emoji, is copied as UTF-8.
    public mutating func writeJSONString(_ string: String) {
        var string = string
        string.withUTF8 { self.writeJSONString(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Writes UTF-8 bytes as a quoted JSON string, escaped as ``writeJSONString(_:)`` does.
    ///
    /// The bytes are not validated: pass well-formed UTF-8.
    public mutating func writeJSONString(utf8 bytes: UnsafeRawBufferPointer) {
        self.reserveCapacity(minimumWritableBytes: bytes.count + 2)
        self.writeInteger(UInt8(ascii: "\""))
        var runStart = 0
        var index = JSONEscaping.firstByteNeedingEscape(in: bytes, from: 0)
        while index < bytes.count {
            if index > runStart {
                self.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            }
            self.writeEscaped(bytes[index])
            runStart = index + 1
            index = JSONEscaping.firstByteNeedingEscape(in: bytes, from: runStart)
        }
        if bytes.count > runStart {
            self.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
        }
        self.writeInteger(UInt8(ascii: "\""))
    }

    /// Writes `"key":`, the start of an object member.
    public mutating func writeJSONKey(_ key: String) {
        self.writeJSONString(key)
        self.writeInteger(UInt8(ascii: ":"))
    }

    /// Writes `null`.
    public mutating func writeJSONNull() {
        self.writeStaticString("null")
    }

    /// Writes `true` or `false`.
    public mutating func writeJSONBool(_ value: Bool) {
        self.writeStaticString(value ? "true" : "false")
    }

    /// Writes a signed integer exactly, in decimal.
    public mutating func writeJSONNumber(_ value: Int64) {
        if value < 0 {
            self.writeInteger(UInt8(ascii: "-"))
        }
        self.writeJSONNumber(value.magnitude)
    }

    /// Writes an unsigned integer exactly, in decimal.
    public mutating func writeJSONNumber(_ value: UInt64) {
        var digitCount = 1
        var rest = value / 10
        while rest != 0 {
            digitCount += 1
            rest /= 10
        }
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: digitCount) { out in
            var value = value
            var position = digitCount
            repeat {
                position -= 1
                out[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            } while position > 0
            return digitCount
        }
    }

    /// Writes a double as the shortest decimal that parses back to the same value.
    ///
    /// JSON has no NaN or infinity; MySQL cannot store them either, so they are written as `null`.
    public mutating func writeJSONNumber(_ value: Double) {
        guard value.isFinite else { return self.writeJSONNull() }
        // Swift's description is the shortest round-tripping form and is always valid JSON
        // (`0.1`, `1e-05`, `1.7976931348623157e+308`); short results need no heap allocation.
        self.writeString(value.description)
    }

    /// Writes a float as the shortest decimal that parses back to the same `Float`.
    ///
    /// Printing it via `Double` would show binary noise (`1.100000023841858` for `1.1`).
    public mutating func writeJSONNumber(_ value: Float) {
        guard value.isFinite else { return self.writeJSONNull() }
        self.writeString(value.description)
    }

    /// Writes bytes as a quoted base64 string: standard alphabet, padded, no line breaks.
    public mutating func writeJSONBase64(_ bytes: some Collection<UInt8>) {
        self.writeInteger(UInt8(ascii: "\""))
        self.writeBase64(bytes)
        self.writeInteger(UInt8(ascii: "\""))
    }

    /// Writes `value` in decimal, left-padded with zeros to at least `width` digits.
    mutating func writeZeroPadded(_ value: UInt64, width: Int) {
        var digitCount = 1
        var rest = value / 10
        while rest != 0 {
            digitCount += 1
            rest /= 10
        }
        for _ in digitCount..<max(width, digitCount) {
            self.writeInteger(UInt8(ascii: "0"))
        }
        self.writeJSONNumber(value)
    }

    /// Writes base64 (standard alphabet, padded) without quotes.
    ///
    /// With `escapedNewlineEvery`, a JSON-escaped newline (`\n`) goes between lines of that many
    /// characters, which is how MySQL's `base64_encode` output looks once printed inside a JSON string.
    mutating func writeBase64(_ bytes: some Collection<UInt8>, escapedNewlineEvery lineLength: Int? = nil) {
        let encodedCount = (bytes.count + 2) / 3 * 4
        let breaks = lineLength.map { encodedCount == 0 ? 0 : (encodedCount - 1) / $0 } ?? 0
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: encodedCount + 2 * breaks) { out in
            var position = 0
            var lineUsed = 0
            var iterator = bytes.makeIterator()
            while let first = iterator.next() {
                if let lineLength, lineUsed == lineLength {
                    out[position] = UInt8(ascii: "\\")
                    out[position + 1] = UInt8(ascii: "n")
                    position += 2
                    lineUsed = 0
                }
                let second = iterator.next()
                let third = second == nil ? nil : iterator.next()
                let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
                out[position] = Base64.alphabet(group >> 18)
                out[position + 1] = Base64.alphabet(group >> 12)
                out[position + 2] = second == nil ? UInt8(ascii: "=") : Base64.alphabet(group >> 6)
                out[position + 3] = third == nil ? UInt8(ascii: "=") : Base64.alphabet(group)
                position += 4
                lineUsed += 4
            }
            return position
        }
    }

    private mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): self.writeStaticString(#"\""#)
        case UInt8(ascii: "\\"): self.writeStaticString(#"\\"#)
        case UInt8(ascii: "\n"): self.writeStaticString(#"\n"#)
        case UInt8(ascii: "\r"): self.writeStaticString(#"\r"#)
        case UInt8(ascii: "\t"): self.writeStaticString(#"\t"#)
        case 0x08: self.writeStaticString(#"\b"#)
        case 0x0C: self.writeStaticString(#"\f"#)
        default:
            self.writeStaticString(#"\u00"#)
            self.writeInteger(JSONEscaping.hexDigit(byte >> 4))
            self.writeInteger(JSONEscaping.hexDigit(byte & 0x0F))
        }
    }
}
