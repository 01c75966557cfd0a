import NIOCore

extension JSONValue {
    /// Appends this value as JSON text, compact, with object members in stored order.
    ///
    /// MySQL-specific scalars stored opaque are printed the way MySQL's `JSON_EXTRACT` prints them:
    /// - DECIMAL as a number literal with its scale (`1.50`);
    /// - DATE, TIME, DATETIME and TIMESTAMP as strings with six fraction digits, as
    ///   `"2024-02-29"`, `"-838:59:59.000000"`, `"2024-02-29 23:59:59.120000"`;
    /// - VAR_STRING as a plain string;
    /// - anything else (and any of the above whose bytes do not decode) as
    ///   `"base64:type<field type>:<base64>"`, with MySQL's line break every 76 characters.
    public func writeJSON(into buffer: inout ByteBuffer) {
        switch self {
        case .null:
            buffer.writeJSONNull()
        case .bool(let value):
            buffer.writeJSONBool(value)
        case .int(let value):
            buffer.writeJSONNumber(value)
        case .uint(let value):
            buffer.writeJSONNumber(value)
        case .double(let value):
            buffer.writeJSONNumber(value)
        case .string(let value):
            buffer.writeJSONString(value)
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                element.writeJSON(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object(let members):
            buffer.writeInteger(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeJSONKey(member.key)
                member.value.writeJSON(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        case .opaque(let type, let bytes):
            Self.writeOpaque(type: type, bytes: bytes, into: &buffer)
        }
    }

    private static func writeOpaque(type: ColumnType, bytes: [UInt8], into buffer: inout ByteBuffer) {
        switch type {
        case .newdecimal:
            // Precision and scale come first, then the decimal in its binary column format.
            if bytes.count >= 2, let layout = DecimalLayout(precision: Int(bytes[0]), scale: Int(bytes[1])),
               let literal = try? layout.decode(bytes.dropFirst(2))
            {
                buffer.writeString(literal)
                return
            }
        case .date, .time, .datetime, .timestamp:
            if let temporal = PackedTemporal(type: type, bytes: bytes) {
                return temporal.write(into: &buffer)
            }
        case .varString:
            if let string = String(validating: bytes, as: UTF8.self) {
                return buffer.writeJSONString(string)
            }
        default:
            break
        }
        // "base64:type" + at most three digits + ":" + the base64, quoted.
        buffer.writeJSONOutput(capacity: 18 + Base64.encodedCount(of: bytes.count, escapedNewlineEvery: 76)) { output in
            output.put(UInt8(ascii: "\""))
            ("base64:type" as StaticString).withUTF8Buffer { output.put(contentsOf: UnsafeRawBufferPointer($0)) }
            output.put(UInt64(type.rawValue))
            output.put(UInt8(ascii: ":"))
            output.putBase64(bytes, escapedNewlineEvery: 76)
            output.put(UInt8(ascii: "\""))
        }
    }
}
