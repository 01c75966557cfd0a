import Binlog
import NIOCore

extension RowChange {
    /// Appends this change as one JSON line (with the trailing newline) in DESIGN.md's format:
    /// `{"op":…,"db":…,"table":…,"key":…,"before":…,"after":…,"pos":{…},"ts":…}`.
    ///
    /// Columns absent from a MINIMAL or NOBLOB image are left out of `before`/`after`, and their
    /// names listed in `"missing"` so a reader can tell "not logged" from NULL.
    public func writeJSONLine(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"op\":\"")
        buffer.writeString(operation.rawValue)
        buffer.writeStaticString("\",\"db\":")
        buffer.writeJSONString(database)
        buffer.writeStaticString(",\"table\":")
        buffer.writeJSONString(table)
        buffer.writeStaticString(",\"key\":")
        if let key {
            buffer.writeInteger(UInt8(ascii: "{"))
            for (i, pair) in key.enumerated() {
                if i > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeJSONString(pair.name)
                buffer.writeInteger(UInt8(ascii: ":"))
                pair.value.writeJSON(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeStaticString(",\"before\":")
        writeImage(before, into: &buffer)
        buffer.writeStaticString(",\"after\":")
        writeImage(after, into: &buffer)
        writeMissing(into: &buffer)
        buffer.writeStaticString(",\"pos\":{\"file\":")
        buffer.writeJSONString(position.file)
        buffer.writeStaticString(",\"pos\":")
        buffer.writeString(String(position.offset))
        if let gtid = position.gtid {
            buffer.writeStaticString(",\"gtid\":")
            buffer.writeJSONString(gtid)
        }
        buffer.writeStaticString("},\"ts\":")
        buffer.writeString(String(timestamp))
        buffer.writeStaticString("}\n")
    }

    private func writeImage(_ image: [ColumnValue?]?, into buffer: inout ByteBuffer) {
        guard let image else {
            buffer.writeStaticString("null")
            return
        }
        buffer.writeInteger(UInt8(ascii: "{"))
        var first = true
        for (index, value) in image.enumerated() {
            guard let value else { continue }
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            buffer.writeJSONString(columns[index])
            buffer.writeInteger(UInt8(ascii: ":"))
            value.writeJSON(into: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    private func writeMissing(into buffer: inout ByteBuffer) {
        let images = [before, after].compactMap { $0 }
        let missing = columns.names.indices.filter { index in
            images.contains { index >= $0.count || $0[index] == nil }
        }
        guard !missing.isEmpty else { return }
        buffer.writeStaticString(",\"missing\":[")
        for (i, index) in missing.enumerated() {
            if i > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeJSONString(columns[index])
        }
        buffer.writeInteger(UInt8(ascii: "]"))
    }
}
