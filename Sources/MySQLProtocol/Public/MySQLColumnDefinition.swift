import NIOCore

/// A result-set column as the server describes it (Protocol::ColumnDefinition41).
public struct MySQLColumnDefinition: Sendable, Hashable {
    public var schema: String
    public var table: String
    public var originalTable: String
    /// The column's name in the result, after any alias.
    public var name: String
    public var originalName: String
    /// The collation id of the column's text, or 63 (binary) for non-text columns.
    public var characterSet: UInt16
    public var columnLength: UInt32
    /// The MYSQL_TYPE_* code, as in binlog table maps.
    public var typeCode: UInt8
    public var flags: UInt16
    public var decimals: UInt8

    public init(
        schema: String, table: String, originalTable: String, name: String, originalName: String,
        characterSet: UInt16, columnLength: UInt32, typeCode: UInt8, flags: UInt16, decimals: UInt8
    ) {
        self.schema = schema
        self.table = table
        self.originalTable = originalTable
        self.name = name
        self.originalName = originalName
        self.characterSet = characterSet
        self.columnLength = columnLength
        self.typeCode = typeCode
        self.flags = flags
        self.decimals = decimals
    }

    init(decoding payload: ByteBuffer) throws {
        var buffer = payload
        guard buffer.readLengthEncodedSlice() != nil,  // catalog, always "def"
            let schema = buffer.readLengthEncodedString(),
            let table = buffer.readLengthEncodedString(),
            let originalTable = buffer.readLengthEncodedString(),
            let name = buffer.readLengthEncodedString(),
            let originalName = buffer.readLengthEncodedString(),
            let fixedLength = buffer.readLengthEncodedInteger(), fixedLength >= 10,
            let characterSet = buffer.readInteger(endianness: .little, as: UInt16.self),
            let columnLength = buffer.readInteger(endianness: .little, as: UInt32.self),
            let typeCode = buffer.readInteger(as: UInt8.self),
            let flags = buffer.readInteger(endianness: .little, as: UInt16.self),
            let decimals = buffer.readInteger(as: UInt8.self)
        else {
            throw MySQLError.protocolViolation(what: "column definition is truncated or malformed", where: "result set header")
        }
        self.init(
            schema: schema, table: table, originalTable: originalTable, name: name, originalName: originalName,
            characterSet: characterSet, columnLength: columnLength, typeCode: typeCode, flags: flags, decimals: decimals
        )
    }
}
