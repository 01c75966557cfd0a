/// HEARTBEAT (27) and HEARTBEAT_V2 (41): the source is alive, and at this position.
///
/// Heartbeats only travel on a replication connection; they are never in a binlog file.
public struct HeartbeatEvent: Sendable, Hashable {
    public var logFile: String
    /// The source's current position in `logFile`.
    public var position: UInt64

    public init(logFile: String, position: UInt64) {
        self.logFile = logFile
        self.position = position
    }

    /// Version 1 holds the file name; the position is the header's next position.
    static func decodeV1(_ body: inout ByteCursor, header: BinlogEventHeader) throws(BinlogError) -> HeartbeatEvent {
        HeartbeatEvent(logFile: try body.readRestAsString(), position: UInt64(header.nextPosition))
    }

    /// Version 2 (MySQL 8.0.26+, whose positions may pass 4 GiB): (type, length, value) fields, ended
    /// by type 0; 1 is the file name and 2 the position as a length-encoded integer.
    static func decodeV2(_ body: inout ByteCursor) throws(BinlogError) -> HeartbeatEvent {
        var event = HeartbeatEvent(logFile: "", position: 0)
        while !body.isAtEnd {
            let type = try body.readLengthEncoded()
            if type == 0 { break }
            var value = try body.readCursor(body.readLengthEncodedCount())
            switch type {
            case 1: event.logFile = try value.readRestAsString()
            case 2: event.position = try value.readLengthEncoded()
            default: break
            }
        }
        return event
    }
}
