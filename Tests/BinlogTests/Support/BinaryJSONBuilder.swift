@testable import Binlog

/// Serializes a `JSONValue` the way MySQL's `json_binary::serialize` does: containers in the small
/// format unless an offset or size needs more than 16 bits. For fixtures too big to write by hand;
/// small fixtures are spelled out byte by byte in the tests.
enum BinaryJSONBuilder {
    /// A whole document: type byte, then the value.
    static func document(_ value: JSONValue) -> [UInt8] {
        let (type, bytes) = self.encode(value)
        return [type] + bytes
    }

    static func encode(_ value: JSONValue) -> (type: UInt8, bytes: [UInt8]) {
        switch value {
        case .null: return (0x04, [0x00])
        case .bool(let flag): return (0x04, [flag ? 0x01 : 0x02])
        case .int(let number):
            if let small = Int16(exactly: number) { return (0x05, littleEndian(UInt16(bitPattern: small))) }
            if let medium = Int32(exactly: number) { return (0x07, littleEndian(UInt32(bitPattern: medium))) }
            return (0x09, littleEndian(UInt64(bitPattern: number)))
        case .uint(let number):
            if let small = UInt16(exactly: number) { return (0x06, littleEndian(small)) }
            if let medium = UInt32(exactly: number) { return (0x08, littleEndian(medium)) }
            return (0x0A, littleEndian(number))
        case .double(let number): return (0x0B, littleEndian(number.bitPattern))
        case .string(let text): return (0x0C, variableLength(text.utf8.count) + Array(text.utf8))
        case .opaque(let type, let bytes): return (0x0F, [type.rawValue] + variableLength(bytes.count) + bytes)
        case .array(let elements):
            return self.container(keys: nil, values: elements, large: false).map { (0x02, $0) }
                ?? (0x03, self.container(keys: nil, values: elements, large: true)!)
        case .object(let members):
            let keys = members.map(\.key)
            let values = members.map(\.value)
            return self.container(keys: keys, values: values, large: false).map { (0x00, $0) }
                ?? (0x01, self.container(keys: keys, values: values, large: true)!)
        }
    }

    /// Nil when the small format cannot hold it.
    private static func container(keys: [String]?, values: [JSONValue], large: Bool) -> [UInt8]? {
        let offsetSize = large ? 4 : 2
        let limit = large ? Int(UInt32.max) : Int(UInt16.max)
        let keyEntriesStart = 2 * offsetSize
        let valueEntriesStart = keyEntriesStart + (keys == nil ? 0 : values.count * (offsetSize + 2))
        var out = [UInt8](repeating: 0, count: valueEntriesStart + values.count * (1 + offsetSize))
        func put(_ value: Int, at position: Int, size: Int) {
            for index in 0..<size { out[position + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        guard values.count <= limit else { return nil }
        put(values.count, at: 0, size: offsetSize)
        for (index, key) in (keys ?? []).enumerated() {
            guard out.count <= limit else { return nil }
            put(out.count, at: keyEntriesStart + index * (offsetSize + 2), size: offsetSize)
            put(key.utf8.count, at: keyEntriesStart + index * (offsetSize + 2) + offsetSize, size: 2)
            out += key.utf8
        }
        for (index, value) in values.enumerated() {
            let entry = valueEntriesStart + index * (1 + offsetSize)
            let (type, bytes) = self.encode(value)
            if type == 0x04 || type == 0x05 || type == 0x06 || (large && (type == 0x07 || type == 0x08)) {
                out[entry] = type
                for (offset, byte) in bytes.enumerated() { out[entry + 1 + offset] = byte }
            } else {
                guard out.count <= limit else { return nil }
                out[entry] = type
                put(out.count, at: entry + 1, size: offsetSize)
                out += bytes
            }
        }
        guard out.count <= limit else { return nil }
        put(out.count, at: offsetSize, size: offsetSize)
        return out
    }

    static func variableLength(_ length: Int) -> [UInt8] {
        var rest = length
        var out = [UInt8]()
        repeat {
            var byte = UInt8(rest & 0x7F)
            rest >>= 7
            if rest != 0 { byte |= 0x80 }
            out.append(byte)
        } while rest != 0
        return out
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
