import NIOCore

/// The 19-byte header that starts every binlog event (binlog format v4).
public struct BinlogEventHeader: Sendable, Hashable {
    public static let length = 19

    /// Seconds since the Unix epoch when the statement began on the originating server.
    public var timestamp: UInt32
    public var type: BinlogEventType
    public var serverID: UInt32
    /// Size of the whole event: header, body and checksum trailer.
    public var eventSize: UInt32
    /// Position of the next event in the binlog file; 0 for events inside a TRANSACTION_PAYLOAD
    /// and for some artificial events a server sends.
    public var nextPosition: UInt32
    public var flags: UInt16

    public init(timestamp: UInt32, type: BinlogEventType, serverID: UInt32, eventSize: UInt32, nextPosition: UInt32, flags: UInt16) {
        self.timestamp = timestamp
        self.type = type
        self.serverID = serverID
        self.eventSize = eventSize
        self.nextPosition = nextPosition
        self.flags = flags
    }

    /// Reads the header at the start of `event` (the buffer's reader index does not move).
    public init(_ event: ByteBuffer) throws(BinlogError) {
        self = try event.withByteCursor { (cursor) throws(BinlogError) in try Self(from: &cursor) }
    }

    init(from cursor: inout ByteCursor) throws(BinlogError) {
        guard cursor.remaining >= Self.length else {
            throw BinlogError(.truncated, "event has \(cursor.remaining) bytes, fewer than the \(Self.length)-byte header")
        }
        timestamp = try cursor.readLE()
        type = BinlogEventType(rawValue: try cursor.readUInt8())
        serverID = try cursor.readLE()
        eventSize = try cursor.readLE()
        nextPosition = try cursor.readLE()
        flags = try cursor.readLE()
    }

    /// LOG_EVENT_BINLOG_IN_USE_F: on a FORMAT_DESCRIPTION, the file was not closed cleanly (or is
    /// still being written).
    public var isBinlogInUse: Bool { flags & 0x0001 != 0 }
    /// LOG_EVENT_IGNORABLE_F: a reader that does not know this event type may skip it.
    public var isIgnorable: Bool { flags & 0x0080 != 0 }
    /// LOG_EVENT_ARTIFICIAL_F: made up by the server for this stream (e.g. the first ROTATE), not in
    /// the binlog file itself.
    public var isArtificial: Bool { flags & 0x0020 != 0 }
}
