import Binlog
import ChangeCapture
import NIOCore

extension RowChange {
    /// Appends canal's flat message for this change (canal's `FlatMessage`): `id`, `database`,
    /// `table`, `pkNames`, `isDdl`, `type` (INSERT/UPDATE/DELETE), `es` and `ts` (milliseconds; `ts`
    /// is the commit time too, so a replay writes the same bytes), `sql` (empty), `sqlType` (JDBC
    /// type codes), `mysqlType`, `data` (the row; for a delete, the deleted row) and `old` (for an
    /// update, the previous values of the columns it changed; else null).
    ///
    /// As canal does, every value is a string (or null): numbers in their exact digits, DATETIME and
    /// TIMESTAMP as `YYYY-MM-DD HH:MM:SS[.f…]` (TIMESTAMP in UTC), other values as the text of their
    /// JSON form (DESIGN.md's mapping) without quotes.
    func writeCanalFlatMessage(into buffer: inout ByteBuffer) {
        let names = columns.names
        buffer.writeStaticString(#"{"id":"#)
        buffer.writeJSONNumber(position.version)
        buffer.writeStaticString(#","database":"#)
        buffer.writeJSONString(database)
        buffer.writeStaticString(#","table":"#)
        buffer.writeJSONString(table)
        buffer.writeStaticString(#","pkNames":"#)
        if let keyColumns {
            buffer.writeInteger(UInt8(ascii: "["))
            for (position, index) in keyColumns.enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeJSONString(names[index])
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        } else {
            buffer.writeJSONNull()
        }
        buffer.writeStaticString(#","isDdl":false,"type":"#)
        switch operation {
        case .insert: buffer.writeStaticString(#""INSERT""#)
        case .update: buffer.writeStaticString(#""UPDATE""#)
        case .delete: buffer.writeStaticString(#""DELETE""#)
        }
        let milliseconds = UInt64(timestamp) * 1000
        buffer.writeStaticString(#","es":"#)
        buffer.writeJSONNumber(milliseconds)
        buffer.writeStaticString(#","ts":"#)
        buffer.writeJSONNumber(milliseconds)
        buffer.writeStaticString(#","sql":"","sqlType":{"#)
        let image = after ?? before ?? []
        for index in names.indices {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeJSONKey(names[index])
            buffer.writeJSONNumber(Int64(CanalColumnType(column: index, of: self, sample: index < image.count ? image[index] : nil).sqlType))
        }
        buffer.writeStaticString(#"},"mysqlType":{"#)
        for index in names.indices {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeJSONKey(names[index])
            buffer.writeJSONString(CanalColumnType(column: index, of: self, sample: index < image.count ? image[index] : nil).name)
        }
        buffer.writeStaticString(#"},"data":["#)
        writeCanalRow(operation == .delete ? before : after, only: nil, into: &buffer)
        buffer.writeStaticString(#"],"old":"#)
        if operation == .update, let before, let after {
            let changed = names.indices.filter { $0 < before.count && $0 < after.count && before[$0] != after[$0] }
            buffer.writeInteger(UInt8(ascii: "["))
            writeCanalRow(before, only: changed, into: &buffer)
            buffer.writeInteger(UInt8(ascii: "]"))
        } else {
            buffer.writeJSONNull()
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    private func writeCanalRow(_ image: [ColumnValue?]?, only columns: [Int]?, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "{"))
        var first = true
        for index in columns ?? Array(self.columns.names.indices) {
            guard let image, index < image.count, let value = image[index] else { continue }
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            buffer.writeJSONKey(self.columns[index])
            Self.writeCanalValue(value, into: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// A value as canal writes it: a JSON string of its text, or null.
    static func writeCanalValue(_ value: ColumnValue, into buffer: inout ByteBuffer) {
        var json = ByteBuffer()
        value.writeJSON(into: &json)
        var text = String(buffer: json)
        switch value {
        case .null:
            return buffer.writeJSONNull()
        case .string(let string):
            text = string
        case .datetime, .timestamp:
            text = String(text.dropFirst().dropLast().replacing("T", with: " ", maxReplacements: 1))
            if text.hasSuffix("Z") { text.removeLast() }
        default:
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        }
        buffer.writeJSONString(text)
    }
}

/// A column's type as canal names it (`mysqlType`) and its JDBC type code (`sqlType`), from the
/// TABLE_MAP descriptor when there is one, else from a value.
struct CanalColumnType {
    var name: String
    var sqlType: Int

    init(column index: Int, of change: RowChange, sample: ColumnValue?) {
        let descriptors = change.columns.descriptors
        if index < descriptors.count {
            self.init(descriptors[index])
        } else {
            self.init(sample ?? .null)
        }
    }

    init(_ descriptor: ColumnDescriptor) {
        let unsigned = descriptor.isUnsigned ? " unsigned" : ""
        switch descriptor.type {
        case .tiny: (name, sqlType) = ("tinyint" + unsigned, -6)
        case .short: (name, sqlType) = ("smallint" + unsigned, 5)
        case .int24: (name, sqlType) = ("mediumint" + unsigned, 4)
        case .long: (name, sqlType) = ("int" + unsigned, 4)
        case .longlong: (name, sqlType) = ("bigint" + unsigned, -5)
        case .decimal, .newdecimal: (name, sqlType) = ("decimal", 3)
        case .float: (name, sqlType) = ("float", 7)
        case .double: (name, sqlType) = ("double", 8)
        case .year: (name, sqlType) = ("year", 12)
        case .date, .newdate: (name, sqlType) = ("date", 91)
        case .time, .time2: (name, sqlType) = ("time", 92)
        case .datetime, .datetime2: (name, sqlType) = ("datetime", 93)
        case .timestamp, .timestamp2: (name, sqlType) = ("timestamp", 93)
        case .bit: (name, sqlType) = ("bit", -7)
        case .json: (name, sqlType) = ("json", 12)
        case .enum: (name, sqlType) = ("enum", 4)
        case .set: (name, sqlType) = ("set", -7)
        case .geometry: (name, sqlType) = ("geometry", -2)
        case .vector: (name, sqlType) = ("vector", -2)
        case .tinyBlob, .mediumBlob, .longBlob, .blob:
            (name, sqlType) = descriptor.isJSONText ? ("json", 12) : descriptor.collation == 63 ? ("blob", 2004) : ("text", 2005)
        case .varchar, .varString: (name, sqlType) = descriptor.collation == 63 ? ("varbinary", -3) : ("varchar", 12)
        case .string: (name, sqlType) = descriptor.collation == 63 ? ("binary", -2) : ("char", 1)
        case .null, .typedArray, .invalid, .bool: (name, sqlType) = ("varchar", 12)
        }
    }

    init(_ value: ColumnValue) {
        switch value {
        case .int: (name, sqlType) = ("bigint", -5)
        case .uint: (name, sqlType) = ("bigint unsigned", -5)
        case .float: (name, sqlType) = ("float", 7)
        case .double: (name, sqlType) = ("double", 8)
        case .decimal: (name, sqlType) = ("decimal", 3)
        case .date: (name, sqlType) = ("date", 91)
        case .datetime: (name, sqlType) = ("datetime", 93)
        case .timestamp: (name, sqlType) = ("timestamp", 93)
        case .time: (name, sqlType) = ("time", 92)
        case .bytes: (name, sqlType) = ("varbinary", -3)
        case .enumeration: (name, sqlType) = ("enum", 4)
        case .set: (name, sqlType) = ("set", -7)
        case .bit: (name, sqlType) = ("bit", -7)
        case .json, .jsonText: (name, sqlType) = ("json", 12)
        case .geometry: (name, sqlType) = ("geometry", -2)
        case .vector: (name, sqlType) = ("vector", -2)
        case .null, .string: (name, sqlType) = ("varchar", 12)
        }
    }

    /// How `apply` reads a canal value of this type back: as a number, as embedded JSON, as a
    /// date-time (restoring DESIGN.md's `T`, and `Z` for a TIMESTAMP), or as a string.
    static func value(_ text: String, mysqlType: String?) -> ColumnValue {
        let type = (mysqlType ?? "").lowercased()
        let base = type.prefix { $0.isLetter }
        switch base {
        case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year", "bit":
            return Int64(text).map(ColumnValue.int) ?? UInt64(text).map(ColumnValue.uint) ?? .decimal(text)
        case "decimal", "numeric", "float", "double", "real":
            return .decimal(text)
        case "json", "set", "geometry", "vector":
            return .jsonText(text)
        case "datetime":
            return .string(text.replacing(" ", with: "T", maxReplacements: 1))
        case "timestamp":
            return .string(text.replacing(" ", with: "T", maxReplacements: 1) + "Z")
        default:
            return .string(text)
        }
    }
}
