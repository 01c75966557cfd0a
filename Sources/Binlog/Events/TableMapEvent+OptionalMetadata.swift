/// The optional metadata (`binlog_row_metadata`) that ends a TABLE_MAP body: type, length, value.
///
/// Several fields hold one entry per column of a kind (numeric, character, ENUM/SET, geometry,
/// vector), in column order; the kinds follow the server's `is_numeric_type`/`is_character_type`.
extension TableMapEvent {
    private enum Field: UInt8 {
        case signedness = 1
        case defaultCharset = 2
        case columnCharset = 3
        case columnName = 4
        case setStrValue = 5
        case enumStrValue = 6
        case geometryType = 7
        case simplePrimaryKey = 8
        case primaryKeyWithPrefix = 9
        case enumAndSetDefaultCharset = 10
        case enumAndSetColumnCharset = 11
        case columnVisibility = 12
        case vectorDimensionality = 13
    }

    mutating func applyOptionalMetadata(_ body: inout ByteCursor) throws(BinlogError) {
        // Labels are in the column's charset, which may only be given after them.
        var labels: [Int: [UnsafeRawBufferPointer]] = [:]
        while !body.isAtEnd {
            let code = try body.readUInt8()
            var value = try body.readCursor(body.readLengthEncodedCount())
            // Fields this decoder does not know are skipped: they only add detail.
            guard let field = Field(rawValue: code) else { continue }
            switch field {
            case .signedness:
                let numeric = indices(where: Self.isNumeric)
                let bits = try value.readBytes(value.remaining)
                for (ordinal, column) in numeric.enumerated() where Self.bit(bits, ordinal) {
                    columns[column].isUnsigned = true
                }
            case .defaultCharset:
                try applyDefaultCollation(&value, to: indices(where: Self.isCharacter))
            case .columnCharset:
                try applyCollations(&value, to: indices(where: Self.isCharacter))
            case .enumAndSetDefaultCharset:
                try applyDefaultCollation(&value, to: indices(where: Self.isEnumOrSet))
            case .enumAndSetColumnCharset:
                try applyCollations(&value, to: indices(where: Self.isEnumOrSet))
            case .columnName:
                for column in columns.indices {
                    columns[column].name = try value.readString(value.readLengthEncodedCount())
                }
            case .enumStrValue:
                for column in indices(where: { $0.type == .enum }) {
                    labels[column] = try Self.readLabels(&value)
                }
            case .setStrValue:
                for column in indices(where: { $0.type == .set }) {
                    labels[column] = try Self.readLabels(&value)
                }
            case .geometryType:
                for column in indices(where: { $0.type == .geometry }) {
                    columns[column].geometryType = UInt8(truncatingIfNeeded: try value.readLengthEncoded())
                }
            case .vectorDimensionality:
                for column in indices(where: { $0.type == .vector }) {
                    columns[column].vectorDimension = UInt32(truncatingIfNeeded: try value.readLengthEncoded())
                }
            case .simplePrimaryKey:
                var key: [PrimaryKeyPart] = []
                while !value.isAtEnd {
                    key.append(PrimaryKeyPart(column: try readColumnIndex(&value)))
                }
                primaryKey = key
            case .primaryKeyWithPrefix:
                var key: [PrimaryKeyPart] = []
                while !value.isAtEnd {
                    let column = try readColumnIndex(&value)
                    key.append(PrimaryKeyPart(column: column, prefixLength: Int(truncatingIfNeeded: try value.readLengthEncoded())))
                }
                primaryKey = key
            case .columnVisibility:
                let bits = try value.readBytes(value.remaining)
                guard bits.count * 8 >= columns.count else {
                    throw BinlogError(.truncated, "\(qualifiedName): COLUMN_VISIBILITY has \(bits.count) bytes for \(columns.count) columns")
                }
                columnVisibility = columns.indices.map { Self.bit(bits, $0) }
            }
        }
        for (column, raw) in labels {
            let decoded = raw.map { Self.labelText($0, collation: columns[column].collation) }
            if columns[column].type == .enum { columns[column].enumLabels = decoded } else { columns[column].setLabels = decoded }
        }
    }

    private func indices(where predicate: (ColumnDescriptor) -> Bool) -> [Int] {
        columns.indices.filter { predicate(columns[$0]) }
    }

    private func readColumnIndex(_ value: inout ByteCursor) throws(BinlogError) -> Int {
        let column = try value.readLengthEncoded()
        guard column < UInt64(columns.count) else {
            throw BinlogError(.malformed, "\(qualifiedName): primary key names column \(column) of \(columns.count)")
        }
        return Int(column)
    }

    /// A default collation, then (ordinal, collation) pairs for the columns that differ from it.
    private mutating func applyDefaultCollation(_ value: inout ByteCursor, to targets: [Int]) throws(BinlogError) {
        let defaultCollation = UInt16(truncatingIfNeeded: try value.readLengthEncoded())
        for column in targets { columns[column].collation = defaultCollation }
        while !value.isAtEnd {
            let ordinal = try value.readLengthEncoded()
            let collation = UInt16(truncatingIfNeeded: try value.readLengthEncoded())
            guard ordinal < UInt64(targets.count) else {
                throw BinlogError(.malformed, "\(qualifiedName): charset metadata names column ordinal \(ordinal) of \(targets.count)")
            }
            columns[targets[Int(ordinal)]].collation = collation
        }
    }

    private mutating func applyCollations(_ value: inout ByteCursor, to targets: [Int]) throws(BinlogError) {
        for column in targets {
            columns[column].collation = UInt16(truncatingIfNeeded: try value.readLengthEncoded())
        }
    }

    private static func readLabels(_ value: inout ByteCursor) throws(BinlogError) -> [UnsafeRawBufferPointer] {
        let count = try value.readLengthEncodedCount()
        var labels: [UnsafeRawBufferPointer] = []
        labels.reserveCapacity(count)
        for _ in 0..<count {
            labels.append(try value.readBytes(value.readLengthEncodedCount()))
        }
        return labels
    }

    private static func labelText(_ bytes: UnsafeRawBufferPointer, collation: UInt16?) -> String {
        if let collation, TextForm.latin1Collations.contains(collation) {
            return TextForm.decodeWindows1252(bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// These bitmaps are most-significant bit first, unlike the row bitmaps.
    private static func bit(_ bits: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        index >> 3 < bits.count && bits[index >> 3] & (0x80 >> (index & 7)) != 0
    }

    static func isNumeric(_ column: ColumnDescriptor) -> Bool {
        switch column.type {
        case .tiny, .short, .int24, .long, .longlong, .newdecimal, .float, .double: true
        default: false
        }
    }

    /// The server counts GEOMETRY (its base class is BLOB) and, in MySQL 9, VECTOR among these:
    /// both carry a charset entry (binary) that the columns after them must not take.
    static func isCharacter(_ column: ColumnDescriptor) -> Bool {
        switch column.type {
        case .string, .varString, .varchar, .blob, .tinyBlob, .mediumBlob, .longBlob, .vector, .geometry: true
        default: false
        }
    }

    static func isEnumOrSet(_ column: ColumnDescriptor) -> Bool {
        column.type == .enum || column.type == .set
    }
}
