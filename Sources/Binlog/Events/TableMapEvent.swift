/// TABLE_MAP (19): announces a table id and the table's column layout; the row events that follow
/// refer to the table by that id.
///
/// `columns` hold the real types (ENUM and SET, which TABLE_MAP writes as STRING, already resolved)
/// and whatever `binlog_row_metadata=FULL` added: names, signedness, collations, ENUM/SET labels,
/// geometry subtypes, vector dimensions.
public struct TableMapEvent: Sendable, Equatable {
    /// One column of the primary key, with its index prefix length (0 when the whole column is used).
    public struct PrimaryKeyPart: Sendable, Hashable {
        public var column: Int
        public var prefixLength: Int

        public init(column: Int, prefixLength: Int = 0) {
            self.column = column
            self.prefixLength = prefixLength
        }
    }

    /// The id row events use; it names this table layout until the server reopens the table.
    public var tableID: UInt64
    public var flags: UInt16
    public var database: String
    public var table: String
    public var columns: [ColumnDescriptor]
    /// The primary key from SIMPLE_PRIMARY_KEY or PRIMARY_KEY_WITH_PREFIX metadata; nil when the
    /// event does not say (MySQL only writes it with `binlog_row_metadata=FULL`).
    public var primaryKey: [PrimaryKeyPart]?
    /// Per column, whether it is visible (MySQL 8.0.23+ INVISIBLE columns); nil when not given.
    public var columnVisibility: [Bool]?

    public init(tableID: UInt64, flags: UInt16 = 0, database: String, table: String, columns: [ColumnDescriptor],
                primaryKey: [PrimaryKeyPart]? = nil, columnVisibility: [Bool]? = nil) {
        self.tableID = tableID
        self.flags = flags
        self.database = database
        self.table = table
        self.columns = columns
        self.primaryKey = primaryKey
        self.columnVisibility = columnVisibility
    }

    /// `database.table`, for messages.
    public var qualifiedName: String { "\(database).\(table)" }
}

extension TableMapEvent {
    /// Decodes a body; `tableIDLength` is 6, or 4 for servers whose TABLE_MAP post-header is 6 bytes.
    static func decode(_ body: inout ByteCursor, tableIDLength: Int) throws(BinlogError) -> TableMapEvent {
        let tableID = try body.readLE(byteCount: tableIDLength)
        let flags: UInt16 = try body.readLE()
        let database = try body.readString(Int(try body.readUInt8()))
        try body.skip(1)
        let table = try body.readString(Int(try body.readUInt8()))
        try body.skip(1)
        let columnCount = try body.readLengthEncodedCount()
        let types = try body.readBytes(columnCount)
        var metadata = try body.readCursor(body.readLengthEncodedCount())
        var columns: [ColumnDescriptor] = []
        columns.reserveCapacity(columnCount)
        for (index, code) in types.enumerated() {
            guard let type = ColumnType(rawValue: code) else {
                throw BinlogError(.unknownColumnType, "column \(index + 1) of \(database).\(table) has unknown type code \(code)")
            }
            columns.append(try Self.describe(type, metadata: &metadata))
        }
        guard metadata.isAtEnd else {
            throw BinlogError(.malformed, "\(database).\(table): column metadata has \(metadata.remaining) bytes left over; a column type's metadata is not the size this decoder expects")
        }
        let nullable = try body.readBytes((columnCount + 7) / 8)
        for index in columns.indices {
            columns[index].isNullable = nullable[index >> 3] & (1 << (index & 7)) != 0
        }
        var event = TableMapEvent(tableID: tableID, flags: flags, database: database, table: table, columns: columns)
        try event.applyOptionalMetadata(&body)
        return event
    }

    /// The real type and normalised metadata of one column, from its binlog type and metadata bytes.
    private static func describe(_ type: ColumnType, metadata: inout ByteCursor) throws(BinlogError) -> ColumnDescriptor {
        switch type {
        case .float, .double, .blob, .tinyBlob, .mediumBlob, .longBlob, .geometry, .json, .vector,
             .timestamp2, .datetime2, .time2:
            // Pack length, or fractional-second precision for the temporal types.
            return ColumnDescriptor(type: type, metadata: UInt16(try metadata.readUInt8()))
        case .varchar, .varString:
            return ColumnDescriptor(type: type, metadata: try metadata.readLE())
        case .newdecimal:
            let precision = try metadata.readUInt8()
            let scale = try metadata.readUInt8()
            return ColumnDescriptor(type: type, metadata: UInt16(precision) << 8 | UInt16(scale))
        case .bit:
            // Bits beyond whole bytes, then whole bytes: stored as the total number of bits.
            let bits = try metadata.readUInt8()
            let bytes = try metadata.readUInt8()
            return ColumnDescriptor(type: type, metadata: UInt16(bytes) * 8 + UInt16(bits))
        case .string, .enum, .set:
            // Real type, then length; lengths over 255 borrow two bits of the type byte, inverted.
            let first = try metadata.readUInt8()
            let second = try metadata.readUInt8()
            var realCode = first
            var length = UInt16(second)
            if first & 0x30 != 0x30 {
                realCode = first | 0x30
                length |= UInt16((first & 0x30) ^ 0x30) << 4
            }
            let realType = ColumnType(rawValue: realCode) ?? .string
            return ColumnDescriptor(type: realType == .enum || realType == .set ? realType : .string, metadata: length)
        default:
            return ColumnDescriptor(type: type)
        }
    }
}
