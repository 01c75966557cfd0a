/// QUERY (2), and MariaDB's QUERY_COMPRESSED (165): a statement, e.g. `BEGIN`, DDL, or DML under
/// statement-based logging.
public struct QueryEvent: Sendable, Hashable {
    public var threadID: UInt32
    public var executionTime: UInt32
    public var errorCode: UInt16
    /// The default database when the statement ran; empty when there was none.
    public var database: String
    public var sql: String

    public init(threadID: UInt32, executionTime: UInt32, errorCode: UInt16, database: String, sql: String) {
        self.threadID = threadID
        self.executionTime = executionTime
        self.errorCode = errorCode
        self.database = database
        self.sql = sql
    }

    /// - Parameter postHeaderLength: from the FORMAT_DESCRIPTION; 13 on every v4 server, longer
    ///   post-headers are skipped over.
    static func decode(_ body: inout ByteCursor, postHeaderLength: Int, compressed: Bool) throws(BinlogError) -> QueryEvent {
        guard postHeaderLength >= 13 else {
            throw BinlogError(.unsupported, "QUERY post-header of \(postHeaderLength) bytes (before MySQL 5.0)")
        }
        let threadID: UInt32 = try body.readLE()
        let executionTime: UInt32 = try body.readLE()
        let databaseLength = Int(try body.readUInt8())
        let errorCode: UInt16 = try body.readLE()
        let statusLength = Int(try body.readLE(UInt16.self))
        try body.skip(postHeaderLength - 13)
        // Status variables (sql_mode, charsets, time zone…) only matter to re-execute the statement.
        try body.skip(statusLength)
        let database = try body.readString(databaseLength)
        try body.skip(1)
        let sql: String
        if compressed {
            let text = try MariaDBCompression.decompress(try body.readBytes(body.remaining))
            sql = String(decoding: text.readableBytesView, as: UTF8.self)
        } else {
            sql = try body.readRestAsString()
        }
        return QueryEvent(threadID: threadID, executionTime: executionTime, errorCode: errorCode, database: database, sql: sql)
    }
}
