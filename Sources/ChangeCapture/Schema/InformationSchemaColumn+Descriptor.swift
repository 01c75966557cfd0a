import Binlog

extension InformationSchemaColumn {
    /// The binlog descriptor of a column of this type, as far as `information_schema` tells it:
    /// enough to derive index mappings for tables first seen in a snapshot, before any TABLE_MAP.
    var descriptor: ColumnDescriptor {
        let type: ColumnType
        var metadata: UInt16 = 0
        switch dataType {
        case "tinyint": type = .tiny
        case "smallint": type = .short
        case "mediumint": type = .int24
        case "int", "integer": type = .long
        case "bigint": type = .longlong
        case "float": type = .float
        case "double", "real": type = .double
        case "decimal", "numeric":
            type = .newdecimal
            let digits = columnType.split(whereSeparator: { !$0.isNumber }).compactMap { UInt16($0) }
            metadata = (digits.first ?? 10) << 8 | (digits.dropFirst().first ?? 0)
        case "year": type = .year
        case "date": type = .date
        case "datetime": type = .datetime2
        case "timestamp": type = .timestamp2
        case "time": type = .time2
        case "char", "binary": type = .string
        case "varchar", "varbinary": type = .varchar
        case "enum": type = .enum
        case "set": type = .set
        case "bit": type = .bit
        case "json": type = .json
        case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
             "geometrycollection":
            type = .geometry
        case "vector": type = .vector
        default: type = .blob
        }
        if [.datetime2, .timestamp2, .time2].contains(type) { metadata = UInt16(fractionalSecondDigits ?? 0) }
        return ColumnDescriptor(
            type: type,
            metadata: metadata,
            isUnsigned: isUnsigned,
            // 63 is the binary collation; any other tells text from bytes, which is all mappings need.
            collation: characterSet == nil || characterSet == "binary" ? 63 : 45,
            name: name,
            enumLabels: type == .enum ? labels : nil,
            setLabels: type == .set ? labels : nil,
            isJSONText: isJSON && type != .json
        )
    }
}
