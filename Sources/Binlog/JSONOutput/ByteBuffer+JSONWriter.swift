import NIOCore

/// Low-level JSON output, written straight into the buffer.
///
/// These build every document Sluice emits (millions a second), so they avoid `String`
/// interpolation, `Foundation` and intermediate allocations, and put each value's bytes through
/// one buffer access (`RawJSONOutput`); strings that need no escaping are copied in one `memcpy`.
extension ByteBuffer {
    /// Writes `string` as a quoted JSON string.
    ///
    /// `"` and `\` are escaped, and so are the control characters U+0000…U+001F (`\n`, `\t`… or
    /// `\u00XX`). Everything else, including non-ASCII text and emoji, is copied as UTF-8.
    public mutating func writeJSONString(_ string: String) {
        self.writeJSONOutput(capacity: RawJSONOutput.jsonStringBound(string)) { $0.putJSONString(string) }
    }

    /// Writes UTF-8 bytes as a quoted JSON string, escaped as ``writeJSONString(_:)`` does.
    ///
    /// The bytes are not validated: pass well-formed UTF-8.
    public mutating func writeJSONString(utf8 bytes: UnsafeRawBufferPointer) {
        self.writeJSONOutput(capacity: RawJSONOutput.jsonStringBound(utf8: bytes)) { $0.putJSONString(utf8: bytes) }
    }

    /// Writes `"key":`, the start of an object member.
    public mutating func writeJSONKey(_ key: String) {
        self.writeJSONOutput(capacity: RawJSONOutput.jsonStringBound(key) + 1) { output in
            output.putJSONString(key)
            output.put(UInt8(ascii: ":"))
        }
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
        self.writeJSONOutput(capacity: RawJSONOutput.integerBound) { $0.putJSONNumber(value) }
    }

    /// Writes an unsigned integer exactly, in decimal.
    public mutating func writeJSONNumber(_ value: UInt64) {
        self.writeJSONOutput(capacity: RawJSONOutput.integerBound) { $0.putJSONNumber(value) }
    }

    /// Writes a double as the shortest decimal that parses back to the same value.
    ///
    /// JSON has no NaN or infinity; MySQL cannot store them either, so they are written as `null`.
    public mutating func writeJSONNumber(_ value: Double) {
        self.writeJSONOutput(capacity: RawJSONOutput.floatingPointBound) { $0.putJSONNumber(value) }
    }

    /// Writes a float as the shortest decimal that parses back to the same `Float`.
    ///
    /// Printing it via `Double` would show binary noise (`1.100000023841858` for `1.1`).
    public mutating func writeJSONNumber(_ value: Float) {
        self.writeJSONOutput(capacity: RawJSONOutput.floatingPointBound) { $0.putJSONNumber(value) }
    }

    /// Writes bytes as a quoted base64 string: standard alphabet, padded, no line breaks.
    public mutating func writeJSONBase64(_ bytes: some Collection<UInt8>) {
        self.writeJSONOutput(capacity: Base64.encodedCount(of: bytes.count) + 2) { output in
            output.put(UInt8(ascii: "\""))
            output.putBase64(bytes)
            output.put(UInt8(ascii: "\""))
        }
    }
}
