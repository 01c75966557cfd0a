/// One column as the snapshot reads it: the expression that carries its value through the text
/// protocol without loss, how that text becomes the `ColumnValue` the binlog decoder gives for the
/// same stored value (so a copied row renders to the same JSON as a replicated one), and how a key
/// cell is written back as a literal for the next chunk.
struct SnapshotColumn: Sendable, Equatable {
    /// How the column is selected and read back.
    enum Form: Sendable, Equatable {
        case signed
        case unsigned
        /// Selected as DOUBLE: the server prints a FLOAT with only 6 significant digits, a DOUBLE
        /// with as many as it takes to parse back to the same value.
        case float
        /// Selected as DOUBLE too, so DOUBLE(M,D) is not rounded to D places.
        case double
        case decimal
        case year
        case date
        case datetime(fsp: UInt8)
        /// Selected as UNIX_TIMESTAMP(), which reads the stored UTC instant whatever the session's
        /// time zone, and keeps the fraction.
        case timestamp(fsp: UInt8)
        case time(fsp: UInt8)
        case text
        /// MariaDB's JSON (LONGTEXT with a json_valid() check), and MySQL's JSON as the server prints it.
        case jsonText
        /// Selected as HEX(): the text protocol would replace bytes that are not UTF-8.
        case bytes
        /// Selected as its number, the 1-based index the binlog holds; ENUM keys sort by it too.
        case enumeration(labels: [String])
        /// Selected as its member bitmap, which the binlog holds; SET keys sort by it too.
        case set(labels: [String])
        case bit
        /// Selected as HEX() of the stored form, a little-endian SRID and then WKB: the bytes the
        /// binlog carries. ST_AsWKB() would drop the SRID, and MySQL's swaps geographic axes.
        case geometry
        /// Selected as HEX() of the stored little-endian float32s.
        case vector
    }

    let name: String
    /// `COLUMN_TYPE`, for messages.
    let columnType: String
    let form: Form

    /// The snapshot form of `column`; nil for a type it cannot read (e.g. MariaDB's UUID and INET6,
    /// YEAR(2)).
    init?(_ column: InformationSchemaColumn) {
        name = column.name
        columnType = column.columnType
        let fsp = UInt8(clamping: min(max(column.fractionalSecondDigits ?? 0, 0), 6))
        switch column.dataType {
        case "tinyint", "smallint", "mediumint", "int", "bigint":
            form = column.isUnsigned ? .unsigned : .signed
        case "float": form = .float
        case "double": form = .double
        case "decimal": form = .decimal
        case "year":
            // YEAR(2) prints 00 for both 2000 and the zero year, which the binlog tells apart.
            guard column.columnType.lowercased() != "year(2)" else { return nil }
            form = .year
        case "date": form = .date
        case "datetime": form = .datetime(fsp: fsp)
        case "timestamp": form = .timestamp(fsp: fsp)
        case "time": form = .time(fsp: fsp)
        case "char", "varchar", "tinytext", "text", "mediumtext", "longtext":
            form = column.characterSet == "binary" ? .bytes : column.isJSON ? .jsonText : .text
        case "json": form = .jsonText
        case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob": form = .bytes
        case "enum": form = .enumeration(labels: column.labels)
        case "set": form = .set(labels: column.labels)
        case "bit": form = .bit
        case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
             "geometrycollection", "geomcollection":
            form = .geometry
        case "vector": form = .vector
        default: return nil
        }
    }

    /// The SELECT-list expression for this column.
    var selectExpression: String {
        let column = InformationSchema.quotedIdentifier(name)
        switch form {
        case .float, .double: return "CAST(\(column) AS DOUBLE)"
        case .timestamp: return "UNIX_TIMESTAMP(\(column))"
        case .bytes, .geometry, .vector: return "HEX(\(column))"
        case .enumeration, .set: return "\(column) + 0"
        case .bit: return "CAST(\(column) AS UNSIGNED)"
        case .signed, .unsigned, .decimal, .year, .date, .datetime, .time, .text, .jsonText: return column
        }
    }

    /// Whether a key of this column has an order that a literal can resume from.
    var canBeKey: Bool {
        switch form {
        case .geometry, .vector: return false
        default: return true
        }
    }

    /// A cell of this column's expression as a literal that compares with the column in the order
    /// ORDER BY sorts it; nil when `text` is not such a cell.
    ///
    /// Numbers are written as numbers (a quoted string would compare as a double, which is inexact
    /// for BIGINT and DECIMAL); text as hex bytes with a charset introducer, so no SQL mode changes
    /// what the literal means; TIMESTAMP through FROM_UNIXTIME(), which needs a UTC session
    /// (`SnapshotQuery.readChunk` sets it) so that no daylight-saving hour repeats.
    func keyLiteral(_ text: String) -> String? {
        switch form {
        case .signed:
            return Int64(text).map { String($0) }
        case .unsigned, .year, .enumeration, .set, .bit:
            return UInt64(text).map { String($0) }
        case .float, .double:
            guard Self.parseDouble(text) != nil else { return nil }
            // An exponent makes it a DOUBLE literal rather than an exact DECIMAL one.
            return text.contains("e") ? text : text + "e0"
        case .decimal:
            return Self.isDecimal(text) ? text : nil
        case .date:
            return Self.parseDate(text[...]) != nil ? InformationSchema.sqlLiteral(text) : nil
        case .datetime:
            return Self.parseDateTime(text) != nil ? InformationSchema.sqlLiteral(text) : nil
        case .time:
            return Self.parseTime(text) != nil ? InformationSchema.sqlLiteral(text) : nil
        case .timestamp:
            return Self.parseUnixTime(text) != nil ? "FROM_UNIXTIME(\(text))" : nil
        case .text, .jsonText:
            return "_utf8mb4 X'\(Self.hex(text.utf8))'"
        case .bytes:
            return Self.parseHex(text) != nil ? "X'\(text)'" : nil
        case .geometry, .vector:
            return nil
        }
    }
}
