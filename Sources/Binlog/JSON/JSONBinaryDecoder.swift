import NIOCore

/// Decodes MySQL's binary JSON format (the JSON column type).
///
/// The layout is the one `sql-common/json_binary.cc` writes: a type byte, then the value. Objects
/// and arrays hold an element count and a byte size, then one entry per element (and, for objects,
/// one key entry per member first), in a small format with 2-byte offsets or a large one with 4-byte
/// offsets. Offsets are relative to the start of their container. Literals and 16-bit integers (and,
/// in the large format, 32-bit ones) are stored inside their entry instead of behind an offset.
public enum JSONBinaryDecoder {
    /// The deepest nesting MySQL accepts (`JSON_DOCUMENT_MAX_DEPTH`).
    static let maximumDepth = 100

    /// Decodes one whole binary JSON value (the column's bytes after their length prefix).
    ///
    /// Empty bytes decode as JSON `null`: MySQL writes them when NULL goes into a NOT NULL JSON column
    /// under `INSERT IGNORE` or a non-strict SQL mode, and reads them back as `null` too.
    ///
    /// - Throws: `BinlogError` of kind `.malformed` when the bytes contradict the format (bad type,
    ///   offset or length out of bounds, invalid UTF-8, nesting deeper than MySQL allows).
    public static func decode(_ bytes: ByteBuffer) throws(BinlogError) -> JSONValue {
        guard bytes.readableBytes > 0 else { return .null }
        let result = bytes.withUnsafeReadableBytes { raw in
            Result { () throws(BinlogError) -> JSONValue in
                var parser = Parser(bytes: raw)
                return try parser.scalarOrContainer(type: raw[0], start: 1, end: raw.count, depth: 0)
            }
        }
        return try result.get()
    }

    /// A bounds-checked reader over one document. Every offset is absolute within `bytes`.
    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        /// Elements left to decode. A well-formed document spends at least three bytes of entries
        /// per element, so its byte count is an upper bound; a crafted one whose entries share a
        /// subtree could otherwise expand exponentially.
        var elementBudget: Int

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            self.elementBudget = bytes.count
        }

        mutating func scalarOrContainer(type: UInt8, start: Int, end: Int, depth: Int) throws(BinlogError) -> JSONValue {
            switch type {
            case 0x00: try self.container(start: start, end: end, large: false, isObject: true, depth: depth)
            case 0x01: try self.container(start: start, end: end, large: true, isObject: true, depth: depth)
            case 0x02: try self.container(start: start, end: end, large: false, isObject: false, depth: depth)
            case 0x03: try self.container(start: start, end: end, large: true, isObject: false, depth: depth)
            default: try self.scalar(type: type, start: start, end: end)
            }
        }

        private mutating func container(start: Int, end: Int, large: Bool, isObject: Bool, depth: Int) throws(BinlogError) -> JSONValue {
            guard depth < JSONBinaryDecoder.maximumDepth else {
                throw malformed("nesting deeper than \(JSONBinaryDecoder.maximumDepth)", at: start)
            }
            let offsetSize = large ? 4 : 2
            guard end - start >= 2 * offsetSize else { throw malformed("container header truncated", at: start) }
            let count = self.offsetOrSize(at: start, large: large)
            let size = self.offsetOrSize(at: start + offsetSize, large: large)
            guard size <= end - start else { throw malformed("container size \(size) exceeds its \(end - start) bytes", at: start) }

            let keyEntrySize = offsetSize + 2
            let valueEntrySize = 1 + offsetSize
            let keyEntriesStart = start + 2 * offsetSize
            let valueEntriesStart = keyEntriesStart + (isObject ? count * keyEntrySize : 0)
            let headerSize = valueEntriesStart + count * valueEntrySize - start
            guard headerSize <= size else { throw malformed("\(count) entries do not fit in \(size) bytes", at: start) }
            self.elementBudget -= count
            guard self.elementBudget >= 0 else { throw malformed("entries share values", at: start) }

            var values = [JSONValue]()
            var keys = [String]()
            values.reserveCapacity(count)
            if isObject { keys.reserveCapacity(count) }
            for index in 0..<count {
                if isObject {
                    let entry = keyEntriesStart + index * keyEntrySize
                    let keyOffset = self.offsetOrSize(at: entry, large: large)
                    let keyLength = Int(self.uint16(at: entry + offsetSize))
                    guard keyOffset >= headerSize, keyOffset + keyLength <= size else {
                        throw malformed("key \(index) out of bounds", at: entry)
                    }
                    keys.append(try self.utf8String(start: start + keyOffset, count: keyLength))
                }
                let entry = valueEntriesStart + index * valueEntrySize
                let type = self.bytes[entry]
                if Self.isInlined(type: type, large: large) {
                    values.append(try self.scalar(type: type, start: entry + 1, end: entry + valueEntrySize))
                } else {
                    let valueOffset = self.offsetOrSize(at: entry + 1, large: large)
                    guard valueOffset >= headerSize, valueOffset < size else {
                        throw malformed("value \(index) out of bounds", at: entry)
                    }
                    values.append(
                        try self.scalarOrContainer(type: type, start: start + valueOffset, end: start + size, depth: depth + 1)
                    )
                }
            }
            guard isObject else { return .array(values) }
            return .object(zip(keys, values).map { (key: $0, value: $1) })
        }

        private func scalar(type: UInt8, start: Int, end: Int) throws(BinlogError) -> JSONValue {
            let available = end - start
            func need(_ count: Int) throws(BinlogError) {
                guard available >= count else { throw malformed("value of type \(type) truncated", at: start) }
            }
            switch type {
            case 0x04:
                try need(1)
                switch self.bytes[start] {
                case 0x00: return .null
                case 0x01: return .bool(true)
                case 0x02: return .bool(false)
                case let literal: throw malformed("unknown literal \(literal)", at: start)
                }
            case 0x05:
                try need(2)
                return .int(Int64(Int16(bitPattern: self.uint16(at: start))))
            case 0x06:
                try need(2)
                return .uint(UInt64(self.uint16(at: start)))
            case 0x07:
                try need(4)
                return .int(Int64(Int32(bitPattern: self.uint32(at: start))))
            case 0x08:
                try need(4)
                return .uint(UInt64(self.uint32(at: start)))
            case 0x09:
                try need(8)
                return .int(Int64(bitPattern: self.uint64(at: start)))
            case 0x0A:
                try need(8)
                return .uint(self.uint64(at: start))
            case 0x0B:
                try need(8)
                return .double(Double(bitPattern: self.uint64(at: start)))
            case 0x0C:
                let (length, lengthSize) = try self.variableLength(start: start, end: end)
                guard length <= available - lengthSize else { throw malformed("string truncated", at: start) }
                return .string(try self.utf8String(start: start + lengthSize, count: length))
            case 0x0F:
                try need(1)
                guard let fieldType = ColumnType(rawValue: self.bytes[start]) else {
                    throw malformed("opaque value of unknown field type \(self.bytes[start])", at: start)
                }
                let (length, lengthSize) = try self.variableLength(start: start + 1, end: end)
                guard length <= available - 1 - lengthSize else { throw malformed("opaque value truncated", at: start) }
                let dataStart = start + 1 + lengthSize
                return .opaque(type: fieldType, bytes: Array(self.bytes[dataStart..<dataStart + length]))
            default:
                throw malformed("unknown value type \(type)", at: start)
            }
        }

        /// Whether a value of `type` lives inside its entry rather than behind an offset.
        private static func isInlined(type: UInt8, large: Bool) -> Bool {
            switch type {
            case 0x04, 0x05, 0x06: true
            case 0x07, 0x08: large
            default: false
            }
        }

        /// Reads a length stored 7 bits per byte, least significant first, high bit meaning "more";
        /// at most five bytes, since lengths are 32-bit.
        private func variableLength(start: Int, end: Int) throws(BinlogError) -> (length: Int, size: Int) {
            var length: UInt64 = 0
            for index in 0..<min(5, end - start) {
                let byte = self.bytes[start + index]
                length |= UInt64(byte & 0x7F) << (7 * index)
                if byte & 0x80 == 0 {
                    guard length <= UInt32.max else { break }
                    return (Int(length), index + 1)
                }
            }
            throw malformed("bad variable-length integer", at: start)
        }

        private func utf8String(start: Int, count: Int) throws(BinlogError) -> String {
            let raw = UnsafeRawBufferPointer(rebasing: self.bytes[start..<start + count])
            guard let string = String(validating: raw, as: UTF8.self) else {
                throw malformed("string is not valid UTF-8", at: start)
            }
            return string
        }

        private func offsetOrSize(at offset: Int, large: Bool) -> Int {
            large ? Int(self.uint32(at: offset)) : Int(self.uint16(at: offset))
        }

        private func uint16(at offset: Int) -> UInt16 {
            UInt16(littleEndian: self.bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        }

        private func uint32(at offset: Int) -> UInt32 {
            UInt32(littleEndian: self.bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }

        private func uint64(at offset: Int) -> UInt64 {
            UInt64(littleEndian: self.bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
    }
}

private func malformed(_ what: String, at offset: Int) -> BinlogError {
    BinlogError(.malformed, "binary JSON: \(what) at byte \(offset) of the value")
}
