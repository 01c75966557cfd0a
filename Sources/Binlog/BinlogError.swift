/// Everything that can go wrong turning bytes into events and values.
///
/// Each error says what was wrong and where (binlog file and offset when the caller knows them), so a
/// user can find the event with `mysqlbinlog --start-position`.
public struct BinlogError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Fewer bytes than the structure needs.
        case truncated
        /// The event's CRC32 does not match its bytes.
        case checksumMismatch
        /// A non-ignorable event type that this decoder does not know.
        case unknownEventType
        /// A column type that this decoder does not know.
        case unknownColumnType
        /// Bytes that contradict the format (bad magic, impossible lengths, bad JSON encoding…).
        case malformed
        /// A row event for a table id that no TABLE_MAP announced.
        case unknownTable
        /// Decompression failed (zstd or zlib).
        case decompression
        /// Something the format allows that Sluice refuses to guess at.
        case unsupported
    }

    public var kind: Kind
    public var message: String
    /// Binlog file name, when known.
    public var file: String?
    /// Offset of the event in the file, when known.
    public var offset: UInt64?

    public init(_ kind: Kind, _ message: String, file: String? = nil, offset: UInt64? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.offset = offset
    }

    public var description: String {
        var where_ = ""
        if let file { where_ += " in \(file)" }
        if let offset { where_ += " at offset \(offset)" }
        return "\(message)\(where_)"
    }
}
