import NIOCore

/// One entry of a PARTIAL_UPDATE_ROWS JSON diff (`binlog_row_value_options=PARTIAL_JSON`).
public struct JSONDiff: Sendable, Equatable {
    public enum Operation: UInt8, Sendable {
        case replace = 0
        case insert = 1
        case remove = 2
    }
    public var operation: Operation
    /// The JSON path the operation applies to, as MySQL wrote it (e.g. `$.a[2]`).
    public var path: String
    /// The new value; nil for `.remove`.
    public var value: JSONValue?

    public init(operation: Operation, path: String, value: JSONValue?) {
        self.operation = operation
        self.path = path
        self.value = value
    }

    /// Decodes the list of diffs that a partial JSON column value holds (the bytes after its length prefix).
    ///
    /// The layout is `Json_diff_vector::write_binary` (`sql/json_diff.cc`) without its 4-byte total
    /// length: per diff, an operation byte, the path as a length-encoded integer and that many bytes,
    /// then, unless the operation is remove, the value as a length-encoded integer and that many bytes
    /// of binary JSON. Paths are checked as MySQL's reader checks them.
    ///
    /// - Throws: `.malformed` for an unknown operation, a length past the end, a path that does not
    ///   parse, or a value that is not valid binary JSON.
    public static func decodeList(_ bytes: ByteBuffer) throws(BinlogError) -> [JSONDiff] {
        var buffer = bytes
        var diffs = [JSONDiff]()
        while let operationByte = buffer.readInteger(as: UInt8.self) {
            let diffOffset = buffer.readerIndex - bytes.readerIndex - 1
            guard let operation = Operation(rawValue: operationByte) else {
                throw malformed("unknown operation \(operationByte)", at: diffOffset)
            }
            let pathBytes = try readLengthEncodedSlice(from: &buffer, what: "path", diffOffset: diffOffset)
            guard let path = String(validating: pathBytes.readableBytesView, as: UTF8.self) else {
                throw malformed("path is not valid UTF-8", at: diffOffset)
            }
            _ = try JSONPath(parsing: path)
            var value: JSONValue?
            if operation != .remove {
                let valueBytes = try readLengthEncodedSlice(from: &buffer, what: "value", diffOffset: diffOffset)
                value = try JSONBinaryDecoder.decode(valueBytes)
            }
            diffs.append(JSONDiff(operation: operation, path: path, value: value))
        }
        return diffs
    }

    /// Applies diffs in order to the before image, giving the whole after image.
    ///
    /// The semantics are those of MySQL's `apply_json_diffs`: replace needs an existing location;
    /// insert adds an object member that must not exist yet, or puts an array element before the
    /// given cell (at the end when the index is past it); remove needs an existing location. New
    /// members go where MySQL keeps them, ordered by key length and then bytes, so the result matches
    /// what a full image of the same document decodes to.
    ///
    /// - Throws: `.malformed` when a diff does not fit the document, as MySQL then rejects it too.
    public static func apply(_ diffs: [JSONDiff], to document: JSONValue) throws(BinlogError) -> JSONValue {
        var document = document
        for diff in diffs {
            let path = try JSONPath(parsing: diff.path)
            guard let last = path.legs.last else {
                throw BinlogError(.malformed, "JSON diff \(diff.operation) of the whole document '\(diff.path)'")
            }
            let found = try document.modify(at: path.legs.dropLast()) { parent throws(BinlogError) in
                try diff.apply(to: &parent, at: last)
            }
            guard found else { throw diff.doesNotApply() }
        }
        return document
    }

    private func apply(to parent: inout JSONValue, at leg: JSONPath.Leg) throws(BinlogError) {
        switch (self.operation, leg) {
        case (.replace, .cell(let index, let fromEnd)), (.insert, .cell(let index, let fromEnd)):
            let value = try self.requiredValue()
            guard case .array(var elements) = parent else { throw self.doesNotApply() }
            let (position, isWithinBounds) = JSONPath.position(index: index, fromEnd: fromEnd, count: elements.count)
            guard self.operation == .insert || isWithinBounds else { throw self.doesNotApply() }
            parent = .null
            if self.operation == .insert {
                elements.insert(value, at: position)
            } else {
                elements[position] = value
            }
            parent = .array(elements)
        case (.remove, .cell(let index, let fromEnd)):
            guard case .array(var elements) = parent else { throw self.doesNotApply() }
            let (position, isWithinBounds) = JSONPath.position(index: index, fromEnd: fromEnd, count: elements.count)
            guard isWithinBounds else { throw self.doesNotApply() }
            parent = .null
            elements.remove(at: position)
            parent = .array(elements)
        case (_, .member(let name)):
            guard case .object(var members) = parent else { throw self.doesNotApply() }
            let existing = members.firstIndex { $0.key.utf8.elementsEqual(name.utf8) }
            switch (self.operation, existing) {
            case (.replace, let index?):
                members[index].value = try self.requiredValue()
            case (.insert, nil):
                let position = members.firstIndex { Self.mysqlKeyOrder(name, $0.key) } ?? members.endIndex
                members.insert((key: name, value: try self.requiredValue()), at: position)
            case (.remove, let index?):
                members.remove(at: index)
            default:
                throw self.doesNotApply()
            }
            parent = .object(members)
        }
    }

    private func requiredValue() throws(BinlogError) -> JSONValue {
        guard let value = self.value else {
            throw BinlogError(.malformed, "JSON diff \(self.operation) at '\(self.path)' has no value")
        }
        return value
    }

    private func doesNotApply() -> BinlogError {
        BinlogError(.malformed, "JSON diff \(self.operation) at '\(self.path)' does not fit the before image")
    }

    /// MySQL's object key order (`Json_key_comparator`): shorter keys first, then bytewise.
    private static func mysqlKeyOrder(_ lhs: String, _ rhs: String) -> Bool {
        let (left, right) = (lhs.utf8, rhs.utf8)
        guard left.count == right.count else { return left.count < right.count }
        return left.lexicographicallyPrecedes(right)
    }
}

extension JSONValue {
    /// Runs `body` on the value at `legs`, in place; false when no value is there.
    fileprivate mutating func modify(
        at legs: ArraySlice<JSONPath.Leg>,
        _ body: (inout JSONValue) throws(BinlogError) -> Void
    ) throws(BinlogError) -> Bool {
        guard let leg = legs.first else {
            try body(&self)
            return true
        }
        switch (self, leg) {
        case (.array(var elements), .cell(let index, let fromEnd)):
            let (position, isWithinBounds) = JSONPath.position(index: index, fromEnd: fromEnd, count: elements.count)
            guard isWithinBounds else { return false }
            // Drop our reference first so that the element is mutated without copying the array.
            self = .null
            defer { self = .array(elements) }
            return try elements[position].modify(at: legs.dropFirst(), body)
        case (.object(var members), .member(let name)):
            guard let index = members.firstIndex(where: { $0.key.utf8.elementsEqual(name.utf8) }) else { return false }
            self = .null
            defer { self = .object(members) }
            return try members[index].value.modify(at: legs.dropFirst(), body)
        default:
            return false
        }
    }
}

/// Reads a length-encoded integer (as in the client/server protocol: one byte below 251, or 252, 253,
/// 254 followed by 2, 3 or 8 bytes) and then that many bytes.
private func readLengthEncodedSlice(from buffer: inout ByteBuffer, what: String, diffOffset: Int) throws(BinlogError) -> ByteBuffer {
    let length: UInt64?
    switch buffer.readInteger(as: UInt8.self) {
    case let byte? where byte < 251: length = UInt64(byte)
    case 252: length = buffer.readInteger(endianness: .little, as: UInt16.self).map(UInt64.init)
    case 253:
        length = buffer.readBytes(length: 3).map { UInt64($0[0]) | UInt64($0[1]) << 8 | UInt64($0[2]) << 16 }
    case 254: length = buffer.readInteger(endianness: .little, as: UInt64.self)
    default: length = nil
    }
    guard let length, length <= UInt64(buffer.readableBytes), let slice = buffer.readSlice(length: Int(length)) else {
        throw malformed("\(what) length is bad or runs past the end", at: diffOffset)
    }
    return slice
}

private func malformed(_ what: String, at offset: Int) -> BinlogError {
    BinlogError(.malformed, "JSON diff at byte \(offset) of the column value: \(what)")
}
