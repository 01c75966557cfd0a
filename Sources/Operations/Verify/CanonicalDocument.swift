import Binlog
import Elasticsearch
import NIOCore

/// A document's contents in one canonical form, so the row as the sync maps it and the `_source`
/// the index holds compare equal exactly when they hold the same values: compact JSON, object
/// members sorted by name (at every depth), strings re-escaped alike, and numbers kept as their
/// literal digits (a DECIMAL's `-12.340` stays apart from `-12.34`).
public enum CanonicalDocument {
    /// The canonical JSON text of a value.
    public static func text(_ value: JSON) -> String {
        var buffer = ByteBuffer()
        write(value, into: &buffer)
        return String(buffer: buffer)
    }

    /// A 64-bit FNV-1a hash of the id and the canonical source (`null` for no document), the
    /// unit that range checksums add up.
    public static func hash(id: String, source: JSON?) -> UInt64 {
        var buffer = ByteBuffer()
        buffer.writeString(id)
        buffer.writeInteger(UInt8(0))
        write(source ?? .null, into: &buffer)
        return buffer.withUnsafeReadableBytes { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            return hash
        }
    }

    private static func write(_ value: JSON, into buffer: inout ByteBuffer) {
        switch value {
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                write(element, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object(let members):
            buffer.writeInteger(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeJSONKey(member.key)
                write(member.value, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        case .null, .bool, .number, .string:
            value.write(into: &buffer)
        }
    }
}
