import Binlog
import NIOCore

/// A JSON value read from a response: documents' `_source`, search hits, server replies.
///
/// Numbers keep their literal text, so a DECIMAL such as `-12.340` or an unsigned 64-bit integer
/// reads back with exactly the digits that were indexed; Foundation's parsers would pass them
/// through a double. Objects keep their members in order.
public indirect enum JSON: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// A number as its literal text, e.g. `-12.340` or `18446744073709551615`.
    case number(String)
    case string(String)
    case array([JSON])
    case object([(key: String, value: JSON)])

    /// Parses one JSON value that fills the whole of `buffer`'s readable bytes (surrounding
    /// whitespace aside).
    public init(parsing buffer: ByteBuffer) throws(JSONParsingError) {
        self = try buffer.withUnsafeReadableBytes { bytes throws(JSONParsingError) in
            var parser = JSONParser(bytes: bytes)
            return try parser.parseDocument()
        }
    }

    /// The first member named `key`, if this is an object that has one.
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    public var arrayValue: [JSON]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// The number as an `Int`, if it is an integer literal in range.
    public var intValue: Int? {
        guard case .number(let literal) = self else { return nil }
        return Int(literal)
    }

    /// The number as a `UInt64`, if it is a non-negative integer literal in range.
    public var uint64Value: UInt64? {
        guard case .number(let literal) = self else { return nil }
        return UInt64(literal)
    }

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// Compact JSON text.
    public var description: String {
        var buffer = ByteBuffer()
        self.write(into: &buffer)
        return String(buffer: buffer)
    }

    /// Appends compact JSON text; numbers are written as their literal.
    public func write(into buffer: inout ByteBuffer) {
        switch self {
        case .null:
            buffer.writeJSONNull()
        case .bool(let value):
            buffer.writeJSONBool(value)
        case .number(let literal):
            buffer.writeString(literal)
        case .string(let value):
            buffer.writeJSONString(value)
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                element.write(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object(let members):
            buffer.writeInteger(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeJSONKey(member.key)
                member.value.write(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
    }
}
