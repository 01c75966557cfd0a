import Binlog
import ChangeCapture
import NIOCore

extension RowChange {
    /// Appends a Debezium-style envelope: `before` and `after` (values in DESIGN.md's mapping),
    /// `source` (`connector`, `name`, `ts_ms`, `db`, `table`, `server_id`, `gtid`, `file`, `pos`,
    /// `row`), `op` (`c`, `u`, `d`) and `ts_ms`, the commit time, so a replay writes the same bytes.
    func writeDebeziumEnvelope(row: Int, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"before":"#)
        writeJSONImage(before, into: &buffer)
        buffer.writeStaticString(#","after":"#)
        writeJSONImage(after, into: &buffer)
        let milliseconds = UInt64(timestamp) * 1000
        buffer.writeStaticString(#","source":{"version":"sluice","connector":"mysql","name":"sluice","ts_ms":"#)
        buffer.writeJSONNumber(milliseconds)
        buffer.writeStaticString(#","db":"#)
        buffer.writeJSONString(database)
        buffer.writeStaticString(#","table":"#)
        buffer.writeJSONString(table)
        buffer.writeStaticString(#","server_id":0,"gtid":"#)
        if let gtid = position.gtid { buffer.writeJSONString(gtid) } else { buffer.writeJSONNull() }
        buffer.writeStaticString(#","file":"#)
        buffer.writeJSONString(position.file)
        buffer.writeStaticString(#","pos":"#)
        buffer.writeJSONNumber(position.offset)
        buffer.writeStaticString(#","row":"#)
        buffer.writeJSONNumber(Int64(row))
        buffer.writeStaticString(#"},"op":"#)
        switch operation {
        case .insert: buffer.writeStaticString(#""c""#)
        case .update: buffer.writeStaticString(#""u""#)
        case .delete: buffer.writeStaticString(#""d""#)
        }
        buffer.writeStaticString(#","ts_ms":"#)
        buffer.writeJSONNumber(milliseconds)
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// `{"name":value,…}` of an image's present columns, or null.
    private func writeJSONImage(_ image: [ColumnValue?]?, into buffer: inout ByteBuffer) {
        guard let image else { return buffer.writeJSONNull() }
        buffer.writeInteger(UInt8(ascii: "{"))
        var first = true
        for index in image.indices {
            guard let value = image[index] else { continue }
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            buffer.writeJSONKey(columns[index])
            value.writeJSON(into: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }
}
