import Binlog
import NIOCore

extension RowChange {
    /// Appends this change as one JSON line (with the trailing newline) in DESIGN.md's format:
    /// `{"op":…,"db":…,"table":…,"key":…,"before":…,"after":…,"pos":{…},"ts":…}`.
    ///
    /// Columns absent from a MINIMAL or NOBLOB image are left out of `before`/`after`, and their
    /// names listed in `"missing"` so a reader can tell "not logged" from NULL.
    ///
    /// The line is put through one buffer access: a buffer access per piece cost more than the
    /// text (measured: three quarters of the time per line). It is put into the room the buffer
    /// has, which nearly always suffices; only a line that did not fit has its bound worked out,
    /// value by value, which cost about as much as writing it (measured). A line with a JSON
    /// document or a geometry, whose size is only known by writing it, is written piece by piece.
    public func writeJSONLine(into buffer: inout ByteBuffer) {
        let names = columns.jsonNames
        let key = self.keyMembers
        if buffer.writeJSONOutputIfItFits({ putLine(key: key, names: names, into: &$0) }) { return }
        // Each part's bound, 4 where it is `null`; nil when one of its values has none.
        guard let keyBound = key.map({ objectBound($0.image, members: $0.columns, names: names) }) ?? 4,
              let before = before.map({ objectBound($0, members: nil, names: names) }) ?? 4,
              let after = after.map({ objectBound($0, members: nil, names: names) }) ?? 4
        else {
            return writeJSONLineInParts(key: key, into: &buffer)
        }
        let bound = headBound + keyBound + before + after + missingBound + tailBound
        buffer.writeJSONOutput(capacity: bound) { putLine(key: key, names: names, into: &$0) }
    }

    private func putLine(key: (image: [ColumnValue?], columns: [Int])?, names: JSONMemberNames, into output: inout RawJSONOutput) {
        names.withBytes { nameBytes in
            putHead(into: &output)
            if let key {
                putObject(key.image, members: key.columns, names: names, nameBytes, into: &output)
            } else {
                output.put("null")
            }
            output.put(",\"before\":")
            putImage(self.before, names: names, nameBytes, into: &output)
            output.put(",\"after\":")
            putImage(self.after, names: names, nameBytes, into: &output)
            putMissing(names: names, nameBytes, into: &output)
            putTail(into: &output)
        }
    }

    /// The key columns and the image they are read from: after, else before, whichever holds
    /// them all. (A MINIMAL update's after image can lack the key its before image holds.)
    private var keyMembers: (image: [ColumnValue?], columns: [Int])? {
        guard let keyColumns else { return nil }
        func holdsKey(_ image: [ColumnValue?]) -> Bool { !keyColumns.contains { Self.lacks(image, $0) } }
        if let after, holdsKey(after) { return (after, keyColumns) }
        if let before, holdsKey(before) { return (before, keyColumns) }
        return nil
    }

    // MARK: One buffer access

    /// `{"op":"update","db":…,"table":…,"key":`
    private var headBound: Int {
        14 + layout.jsonHead.count
    }

    private func putHead(into output: inout RawJSONOutput) {
        output.put("{\"op\":")
        switch operation {
        case .insert: output.put("\"insert\"")
        case .update: output.put("\"update\"")
        case .delete: output.put("\"delete\"")
        }
        layout.jsonHead.withUnsafeBytes { output.put(contentsOf: $0) }
    }

    /// `{` and `}`, and for each present member a comma, its key and its value; nil when a value
    /// has no bound.
    private func objectBound(_ image: [ColumnValue?], members: [Int]?, names: JSONMemberNames) -> Int? {
        var bound = 2
        for position in 0..<(members?.count ?? image.count) {
            let index = members?[position] ?? position
            guard index < image.count, let value = image[index] else { continue }
            guard let valueBound = value.jsonSizeBound else { return nil }
            bound += 1 + names.length(index) + valueBound
        }
        return bound
    }

    /// `{"name":value,…}` for the present members of `image` among `members` (nil: all its columns).
    /// (Not generic over the members: that was left unspecialized.)
    private func putObject(
        _ image: [ColumnValue?], members: [Int]?, names: JSONMemberNames, _ nameBytes: UnsafeRawBufferPointer,
        into output: inout RawJSONOutput
    ) {
        output.put(UInt8(ascii: "{"))
        var first = true
        for position in 0..<(members?.count ?? image.count) {
            let index = members?[position] ?? position
            guard index < image.count, let value = image[index] else { continue }
            if !first { output.put(UInt8(ascii: ",")) }
            first = false
            names.put(index, from: nameBytes, into: &output)
            value.putJSON(into: &output)
        }
        output.put(UInt8(ascii: "}"))
    }

    private func putImage(_ image: [ColumnValue?]?, names: JSONMemberNames, _ nameBytes: UnsafeRawBufferPointer, into output: inout RawJSONOutput) {
        if let image {
            putObject(image, members: nil, names: names, nameBytes, into: &output)
        } else {
            output.put("null")
        }
    }

    /// `,"missing":[…]`: every name, quoted, with a comma.
    private var missingBound: Int { 13 + columns.jsonNames.totalLength }

    /// Whether column `index` is absent from an image the change has.
    private func isMissing(_ index: Int) -> Bool {
        if let before, Self.lacks(before, index) { return true }
        if let after, Self.lacks(after, index) { return true }
        return false
    }

    /// Whether `image` lacks column `index`. (Matched rather than compared with `== nil`, which
    /// copies the value to compare it as `Equatable`: measured, a tenth of writing a line.)
    private static func lacks(_ image: [ColumnValue?], _ index: Int) -> Bool {
        guard index < image.count else { return true }
        if case .none = image[index] { return true }
        return false
    }

    private func putMissing(names: JSONMemberNames, _ nameBytes: UnsafeRawBufferPointer, into output: inout RawJSONOutput) {
        var first = true
        for index in 0..<names.count where isMissing(index) {
            output.put(first ? ",\"missing\":[" : ",")
            first = false
            names.put(index, from: nameBytes, colon: false, into: &output)
        }
        if !first { output.put(UInt8(ascii: "]")) }
    }

    /// `,"before":` and `,"after":`, and `,"pos":{"file":…,"pos":…,"gtid":…},"ts":…}` and the newline.
    private var tailBound: Int {
        19 + 15 + RawJSONOutput.jsonStringBound(position.file) + 7 + RawJSONOutput.integerBound
            + 8 + (position.gtid.map(RawJSONOutput.jsonStringBound) ?? 0) + 7 + RawJSONOutput.integerBound + 2
    }

    private func putTail(into output: inout RawJSONOutput) {
        output.put(",\"pos\":{\"file\":")
        output.putJSONString(position.file)
        output.put(",\"pos\":")
        output.putJSONNumber(position.offset)
        if let gtid = position.gtid {
            output.put(",\"gtid\":")
            output.putJSONString(gtid)
        }
        output.put("},\"ts\":")
        output.putJSONNumber(UInt64(timestamp))
        output.put("}\n")
    }

    // MARK: Piece by piece

    /// The same line, for changes with values whose size is only known by writing them.
    private func writeJSONLineInParts(key: (image: [ColumnValue?], columns: [Int])?, into buffer: inout ByteBuffer) {
        let names = columns.jsonNames
        buffer.writeJSONOutput(capacity: headBound) { putHead(into: &$0) }
        if let key {
            writeObject(key.image, members: key.columns, names: names, into: &buffer)
        } else {
            buffer.writeJSONNull()
        }
        buffer.writeStaticString(",\"before\":")
        writeImage(before, names: names, into: &buffer)
        buffer.writeStaticString(",\"after\":")
        writeImage(after, names: names, into: &buffer)
        buffer.writeJSONOutput(capacity: missingBound + tailBound) { output in
            names.withBytes { putMissing(names: names, $0, into: &output) }
            putTail(into: &output)
        }
    }

    private func writeObject(_ image: [ColumnValue?], members: [Int]?, names: JSONMemberNames, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "{"))
        var first = true
        for position in 0..<(members?.count ?? image.count) {
            let index = members?[position] ?? position
            guard index < image.count, let value = image[index] else { continue }
            buffer.writeJSONOutput(capacity: 1 + names.length(index)) { output in
                if !first { output.put(UInt8(ascii: ",")) }
                names.withBytes { names.put(index, from: $0, into: &output) }
            }
            first = false
            value.writeJSON(into: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    private func writeImage(_ image: [ColumnValue?]?, names: JSONMemberNames, into buffer: inout ByteBuffer) {
        if let image {
            writeObject(image, members: nil, names: names, into: &buffer)
        } else {
            buffer.writeJSONNull()
        }
    }
}

extension TableLayout {
    /// `,"db":…,"table":…,"key":`, the part of a JSON line's head that names the table.
    static func jsonHead(database: String, table: String) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeStaticString(",\"db\":")
        buffer.writeJSONString(database)
        buffer.writeStaticString(",\"table\":")
        buffer.writeJSONString(table)
        buffer.writeStaticString(",\"key\":")
        return Array(buffer.readableBytesView)
    }
}
