import NIOCore

/// Low-level JSON output, written straight into the buffer.
///
/// These build every document Sluice emits (millions a second), so they avoid `String`
/// interpolation, `Foundation` and intermediate allocations, and put each value's bytes through
/// one buffer access; strings that need no escaping are copied in one `memcpy`.
extension ByteBuffer {
    /// Writes `string` as a quoted JSON string.
    ///
    /// `"` and `\` are escaped, and so are the control characters U+0000…U+001F (`\n`, `\t`… or
    /// `\u00XX`). Everything else, including non-ASCII text and emoji, is copied as UTF-8.
    public mutating func writeJSONString(_ string: String) {
        var string = string
        string.withUTF8 { self.writeQuoted(utf8: UnsafeRawBufferPointer($0), then: nil) }
    }

    /// Writes UTF-8 bytes as a quoted JSON string, escaped as ``writeJSONString(_:)`` does.
    ///
    /// The bytes are not validated: pass well-formed UTF-8.
    public mutating func writeJSONString(utf8 bytes: UnsafeRawBufferPointer) {
        self.writeQuoted(utf8: bytes, then: nil)
    }

    /// Writes `"key":`, the start of an object member.
    public mutating func writeJSONKey(_ key: String) {
        var key = key
        key.withUTF8 { self.writeQuoted(utf8: UnsafeRawBufferPointer($0), then: UInt8(ascii: ":")) }
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
        self.writeJSONOutput(capacity: 20) { output in
            if value < 0 { output.put(UInt8(ascii: "-")) }
            output.put(value.magnitude)
        }
    }

    /// Writes an unsigned integer exactly, in decimal.
    public mutating func writeJSONNumber(_ value: UInt64) {
        self.writeJSONOutput(capacity: 20) { $0.put(value) }
    }

    /// Writes a double as the shortest decimal that parses back to the same value.
    ///
    /// JSON has no NaN or infinity; MySQL cannot store them either, so they are written as `null`.
    public mutating func writeJSONNumber(_ value: Double) {
        guard value.isFinite else { return self.writeJSONNull() }
        // Swift's description is the shortest round-tripping form and is always valid JSON
        // (`0.1`, `1e-05`, `1.7976931348623157e+308`).
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
        self.writeJSONOutput(capacity: Base64.encodedCount(of: bytes.count) + 2) { output in
            output.put(UInt8(ascii: "\""))
            output.putBase64(bytes)
            output.put(UInt8(ascii: "\""))
        }
    }

    /// Writes the quoted, escaped string and then `trailing`, sized exactly in one buffer access.
    private mutating func writeQuoted(utf8 bytes: UnsafeRawBufferPointer, then trailing: UInt8?) {
        let firstEscape = JSONEscaping.firstByteNeedingEscape(in: bytes, from: 0)
        let isPlain = firstEscape == bytes.count
        let extra = isPlain ? 0 : JSONEscaping.extraEscapedBytes(in: bytes, from: firstEscape)
        self.writeJSONOutput(capacity: bytes.count + extra + 3) { output in
            output.put(UInt8(ascii: "\""))
            if isPlain {
                output.put(contentsOf: bytes)
            } else {
                output.putEscaped(bytes, firstEscape: firstEscape)
            }
            output.put(UInt8(ascii: "\""))
            if let trailing { output.put(trailing) }
        }
    }
}
