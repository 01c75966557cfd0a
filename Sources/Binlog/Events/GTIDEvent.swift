/// GTID (33), ANONYMOUS_GTID (34) and GTID_TAGGED (42): MySQL's transaction header.
///
/// MySQL 5.6 writes only the flags and the GTID; 5.7 adds logical timestamps; 8.0 commit
/// timestamps, transaction length and server versions. Missing fields are nil.
public struct GTIDEvent: Sendable, Hashable {
    /// Nil for an anonymous transaction (`gtid_mode=OFF`).
    public var gtid: MySQLGTID?
    /// Bit 0: the transaction may contain statement-based events.
    public var flags: UInt8
    public var lastCommitted: Int64?
    public var sequenceNumber: Int64?
    /// Microseconds since the epoch when the transaction committed on the server that wrote this
    /// binlog.
    public var immediateCommitTimestamp: UInt64?
    /// Microseconds since the epoch when it committed on the server where it originated.
    public var originalCommitTimestamp: UInt64?
    /// Bytes of the whole transaction, this event included.
    public var transactionLength: UInt64?
    public var immediateServerVersion: UInt32?
    public var originalServerVersion: UInt32?

    public init(gtid: MySQLGTID?, flags: UInt8 = 0, lastCommitted: Int64? = nil, sequenceNumber: Int64? = nil,
                immediateCommitTimestamp: UInt64? = nil, originalCommitTimestamp: UInt64? = nil, transactionLength: UInt64? = nil,
                immediateServerVersion: UInt32? = nil, originalServerVersion: UInt32? = nil) {
        self.gtid = gtid
        self.flags = flags
        self.lastCommitted = lastCommitted
        self.sequenceNumber = sequenceNumber
        self.immediateCommitTimestamp = immediateCommitTimestamp
        self.originalCommitTimestamp = originalCommitTimestamp
        self.transactionLength = transactionLength
        self.immediateServerVersion = immediateServerVersion
        self.originalServerVersion = originalServerVersion
    }

    /// The fixed layout of GTID and ANONYMOUS_GTID, each later field present only if the server
    /// version wrote it.
    static func decode(_ body: inout ByteCursor, anonymous: Bool) throws(BinlogError) -> GTIDEvent {
        let flags = try body.readUInt8()
        guard let uuid = ServerUUID(bytes: try body.readBytes(16)) else {
            throw BinlogError(.malformed, "GTID without a 16-byte UUID")
        }
        let gno: Int64 = try body.readLE()
        guard anonymous || gno > 0 else { throw BinlogError(.malformed, "GTID with transaction number \(gno)") }
        var event = GTIDEvent(gtid: anonymous ? nil : MySQLGTID(uuid: uuid, gno: UInt64(gno)), flags: flags)
        // Logical timestamps come with type code 2 (5.7.6+).
        guard !body.isAtEnd, try body.readUInt8() == 2 else { return event }
        event.lastCommitted = try body.readLE()
        event.sequenceNumber = try body.readLE()
        if body.remaining >= 7 {
            // The top bit says whether the original timestamp follows; without it, both are the same.
            var immediate = try body.readLE(byteCount: 7)
            var original = immediate
            if immediate & (1 << 55) != 0 {
                immediate &= ~(1 << 55)
                original = try body.readLE(byteCount: 7)
            }
            event.immediateCommitTimestamp = immediate
            event.originalCommitTimestamp = original
        }
        if !body.isAtEnd {
            event.transactionLength = try body.readLengthEncoded()
        }
        if body.remaining >= 4 {
            var immediate: UInt32 = try body.readLE()
            var original = immediate
            if immediate & (1 << 31) != 0 {
                immediate &= ~(1 << 31)
                original = try body.readLE()
            }
            event.immediateServerVersion = immediate
            event.originalServerVersion = original
        }
        return event
    }

    /// GTID_TAGGED uses MySQL's serialization library: a format version byte, the message size
    /// (counting from the version byte), the last field id a reader may not ignore, then
    /// (field id, value) pairs with variable-length integers.
    static func decodeTagged(_ body: inout ByteCursor) throws(BinlogError) -> GTIDEvent {
        let start = body.position
        _ = try body.readUInt8()
        let messageSize = try body.readSerializedUInt()
        let lastNonIgnorable = try body.readSerializedUInt()
        let consumed = UInt64(body.position - start)
        guard messageSize >= consumed, messageSize - consumed <= UInt64(body.remaining) else {
            throw BinlogError(.malformed, "GTID_TAGGED message size \(messageSize) does not fit the event")
        }
        var fields = try body.readCursor(Int(messageSize - consumed))
        var uuid: ServerUUID?
        var tag: String?
        var gno: Int64?
        var event = GTIDEvent(gtid: nil)
        var original: UInt64?
        var originalVersion: UInt32?
        fieldLoop: while !fields.isAtEnd {
            let id = try fields.readSerializedUInt()
            switch id {
            case 0: event.flags = UInt8(truncatingIfNeeded: try fields.readSerializedUInt())
            case 1:
                var bytes: [UInt8] = []
                for _ in 0..<16 { bytes.append(UInt8(truncatingIfNeeded: try fields.readSerializedUInt())) }
                uuid = ServerUUID(bytes: bytes)
            case 2: gno = try fields.readSerializedInt()
            case 3:
                let length = try fields.readSerializedUInt()
                guard length <= 32 else { throw BinlogError(.malformed, "GTID tag of \(length) bytes") }
                tag = try GTIDTag.normalize(try fields.readString(Int(length)))
            case 4: event.lastCommitted = try fields.readSerializedInt()
            case 5: event.sequenceNumber = try fields.readSerializedInt()
            case 6: event.immediateCommitTimestamp = try fields.readSerializedUInt()
            case 7: original = try fields.readSerializedUInt()
            case 8: event.transactionLength = try fields.readSerializedUInt()
            case 9: event.immediateServerVersion = UInt32(truncatingIfNeeded: try fields.readSerializedUInt())
            case 10: originalVersion = UInt32(truncatingIfNeeded: try fields.readSerializedUInt())
            case 11: _ = try fields.readSerializedUInt()  // commit group ticket (group replication)
            default:
                guard id > lastNonIgnorable else {
                    throw BinlogError(.unsupported, "GTID_TAGGED field \(id) is unknown and may not be ignored")
                }
                // An ignorable field of unknown type: its length is unknown, so it and any later
                // fields are left unread.
                break fieldLoop
            }
        }
        guard let uuid, let gno, gno > 0 else {
            throw BinlogError(.malformed, "GTID_TAGGED without a UUID and transaction number")
        }
        event.gtid = MySQLGTID(uuid: uuid, tag: tag, gno: UInt64(gno))
        event.originalCommitTimestamp = original ?? event.immediateCommitTimestamp
        event.originalServerVersion = originalVersion ?? event.immediateServerVersion
        return event
    }
}
