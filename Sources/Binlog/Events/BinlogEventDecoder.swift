import NIOCore

/// Decodes binlog events one at a time, keeping the state the format spreads across events: the
/// FORMAT_DESCRIPTION (checksums, post-header lengths) and the TABLE_MAPs that row events refer to.
///
/// Feed it every event of a file or replication stream in order, each as one whole buffer (header,
/// body, checksum trailer), and the inner events of a TRANSACTION_PAYLOAD through
/// `decodePayloadEvent(_:)`. Errors name the event type, the file and the event's offset.
public struct BinlogEventDecoder: Sendable {
    /// The binlog file the events come from, for error messages; ROTATE events update it.
    public var fileName: String?
    /// The last FORMAT_DESCRIPTION seen.
    public private(set) var formatDescription: FormatDescriptionEvent?
    /// The checksum trailer events carry. Set by each FORMAT_DESCRIPTION; a replication client that
    /// negotiated `@source_binlog_checksum` sets it before the first event, because the server's
    /// first ROTATE comes before any FORMAT_DESCRIPTION. Nil means none.
    public var checksum: BinlogChecksum?
    /// Called once for each new table layout, before its rows are decoded: fill in what the binlog
    /// left out (names, collations, ENUM labels from information_schema, `isJSONText` for MariaDB
    /// JSON), or return false to leave that table's rows undecoded (`.skippedRows`).
    public var prepareTable: (@Sendable (inout TableMapEvent) -> Bool)?

    /// A class, so that looking it up for every TABLE_MAP and rows event retains one reference
    /// rather than every array and string inside (measured: those retains and releases were among
    /// the top costs of decoding single-row statements, one TABLE_MAP per row).
    final class TableEntry: Sendable {
        /// The TABLE_MAP body (its own copy), so an identical re-announcement (one per statement)
        /// reuses the plan.
        let body: ByteBuffer
        let table: TableMapEvent
        /// Nil when `prepareTable` declined the table.
        let rows: RowImageDecoder?

        init(body: ByteBuffer, table: TableMapEvent, rows: RowImageDecoder?) {
            self.body = body
            self.table = table
            self.rows = rows
        }
    }

    var tables: [UInt64: TableEntry] = [:]
    /// So that `tables` drops a table's entry under an id the server no longer uses.
    private var currentTableIDs = CurrentTableIDs()
    /// Offset of the last TRANSACTION_PAYLOAD, where errors in its inner events are reported.
    private var payloadOffset: UInt64?

    public init(fileName: String? = nil, checksum: BinlogChecksum? = nil) {
        self.fileName = fileName
        self.checksum = checksum
    }

    /// Decodes one whole event.
    ///
    /// - Parameter offset: the event's offset in its file, for error messages; by default it is
    ///   worked out from the header's next position.
    public mutating func decode(_ event: ByteBuffer, at offset: UInt64? = nil) throws(BinlogError) -> BinlogEvent {
        try decode(event, offset: offset, inPayload: false)
    }

    /// Decodes one event from inside a TRANSACTION_PAYLOAD (as `TransactionPayloadReader` yields
    /// them: no checksum trailer).
    public mutating func decodePayloadEvent(_ event: ByteBuffer) throws(BinlogError) -> BinlogEvent {
        try decode(event, offset: payloadOffset, inPayload: true)
    }

    /// The table a TABLE_MAP announced under `id`, as `prepareTable` left it.
    public func table(id: UInt64) -> TableMapEvent? {
        tables[id]?.table
    }

    /// Forgets every TABLE_MAP, so the next ones go through `prepareTable` again (e.g. after the
    /// caller learned of a schema change).
    public mutating func forgetTables() {
        tables.removeAll()
        currentTableIDs.removeAll()
    }

    private mutating func decode(_ event: ByteBuffer, offset: UInt64?, inPayload: Bool) throws(BinlogError) -> BinlogEvent {
        do {
            return try event.withByteCursor { (cursor) throws(BinlogError) -> BinlogEvent in
                let header = try BinlogEventHeader(from: &cursor)
                guard header.eventSize == cursor.count else {
                    throw BinlogError(.malformed, "header gives \(header.eventSize) bytes, the event has \(cursor.count)")
                }
                if header.type == .formatDescription {
                    var body = try cursor.readCursor(cursor.remaining)
                    let format = try FormatDescriptionEvent.decode(&body)
                    if format.checksum == .crc32 && !inPayload {
                        try Self.verifyCRC32(cursor.allBytes, clearingInUseFlag: header.isBinlogInUse)
                    }
                    formatDescription = format
                    checksum = format.checksum
                    tables.removeAll()
                    return .formatDescription(format)
                }
                let trailer = inPayload ? 0 : (checksum ?? .none).trailerLength
                guard cursor.remaining >= trailer else {
                    throw BinlogError(.truncated, "event of \(cursor.count) bytes has no room for its checksum")
                }
                if trailer > 0 {
                    try Self.verifyCRC32(cursor.allBytes, clearingInUseFlag: false)
                }
                var body = try cursor.readCursor(cursor.remaining - trailer)
                let decoded = try decodeBody(header, &body)
                if case .transactionPayload = decoded {
                    payloadOffset = offset ?? Self.offset(of: header)
                }
                return decoded
            }
        } catch {
            throw locate(error, event: event, offset: offset)
        }
    }

    private mutating func decodeBody(_ header: BinlogEventHeader, _ body: inout ByteCursor) throws(BinlogError) -> BinlogEvent {
        switch header.type {
        case .rotate:
            let rotate = try RotateEvent.decode(&body)
            fileName = rotate.nextFile
            return .rotate(rotate)
        case .query, .mariaQueryCompressed:
            let postHeader = formatDescription?.postHeaderLength(for: header.type) ?? 13
            return .query(try QueryEvent.decode(&body, postHeaderLength: postHeader, compressed: header.type == .mariaQueryCompressed))
        case .stop:
            return .stop
        case .xid:
            return .xid(try body.readLE())
        case .tableMap:
            return try decodeTableMap(&body, tableIDLength: tableIDLength(for: header.type))
        case .writeRowsV1, .updateRowsV1, .deleteRowsV1, .writeRows, .updateRows, .deleteRows, .partialUpdateRows,
             .mariaWriteRowsCompressedV1, .mariaUpdateRowsCompressedV1, .mariaDeleteRowsCompressedV1,
             .mariaWriteRowsCompressed, .mariaUpdateRowsCompressed, .mariaDeleteRowsCompressed:
            return try decodeRows(header.type, &body, tableIDLength: tableIDLength(for: header.type))
        case .gtid, .anonymousGTID:
            return .gtid(try GTIDEvent.decode(&body, anonymous: header.type == .anonymousGTID))
        case .gtidTagged:
            return .gtid(try GTIDEvent.decodeTagged(&body))
        case .previousGTIDs:
            return .previousGTIDs(try GTIDSet(from: &body))
        case .transactionPayload:
            return .transactionPayload(try TransactionPayloadEvent.decode(&body))
        case .rowsQuery:
            // A 1-byte length, long since outgrown: the text runs to the end of the event.
            try body.skip(1)
            return .rowsQuery(try body.readRestAsString())
        case .heartbeat:
            return .heartbeat(try HeartbeatEvent.decodeV1(&body, header: header))
        case .heartbeatV2:
            return .heartbeat(try HeartbeatEvent.decodeV2(&body))
        case .mariaAnnotateRows:
            return .mariaAnnotateRows(try body.readRestAsString())
        case .mariaBinlogCheckpoint:
            let length: UInt32 = try body.readLE()
            return .mariaBinlogCheckpoint(try body.readString(Int(length)))
        case .mariaGTID:
            return .mariaGTID(try MariaGTIDEvent.decode(&body, serverID: header.serverID))
        case .mariaGTIDList:
            return .mariaGTIDList(try MariaGTIDEvent.decodeList(&body))
        case .mariaStartEncryption:
            throw BinlogError(.unsupported, "the binlog file is encrypted (encrypt_binlog); read it through a replication connection, which decrypts")
        case .preGAWriteRows, .preGAUpdateRows, .preGADeleteRows:
            throw BinlogError(.unsupported, "row events from MySQL 5.1.0–5.1.15 are not supported")
        case _ where Self.statementOnlyTypes.contains(header.type):
            return .other(header.type)
        default:
            guard header.isIgnorable else {
                throw BinlogError(.unknownEventType, "unknown event type \(header.type.rawValue), not flagged ignorable")
            }
            return .ignored(header.type)
        }
    }

    /// Events with nothing for row capture.
    private static let statementOnlyTypes: Set<BinlogEventType> = [
        .startV3, .intvar, .load, .slave, .createFile, .appendBlock, .execLoad, .deleteFile, .newLoad, .rand, .userVar,
        .beginLoadQuery, .executeLoadQuery, .incident, .ignorable, .transactionContext, .viewChange, .xaPrepare,
    ]

    /// Table ids take 6 bytes, or 4 where the server's post-header for the event is 6 bytes long.
    private func tableIDLength(for type: BinlogEventType) -> Int {
        formatDescription?.postHeaderLength(for: type) == 6 ? 4 : 6
    }

    private mutating func decodeTableMap(_ body: inout ByteCursor, tableIDLength: Int) throws(BinlogError) -> BinlogEvent {
        var layout = body
        let tableID = try body.readLE(byteCount: tableIDLength)
        let raw = try body.readSlice(body.remaining)
        if let entry = tables[tableID], entry.body == raw {
            return .tableMap(entry.table)
        }
        var table = try TableMapEvent.decode(&layout, tableIDLength: tableIDLength)
        let include = prepareTable?(&table) ?? true
        var copy = ByteBuffer()
        copy.writeImmutableBuffer(raw)
        tables[tableID] = TableEntry(body: copy, table: table, rows: include ? RowImageDecoder(table: table) : nil)
        if let previous = currentTableIDs.record(table) { tables[previous] = nil }
        return .tableMap(table)
    }

    /// MySQL's CRC-32 over the event less its trailer, which holds the expected value. A
    /// FORMAT_DESCRIPTION written while its file was open is checksummed with the in-use flag clear.
    private static func verifyCRC32(_ event: UnsafeRawBufferPointer, clearingInUseFlag: Bool) throws(BinlogError) {
        guard event.count >= BinlogEventHeader.length + 4 else {
            throw BinlogError(.truncated, "event of \(event.count) bytes has no room for its checksum")
        }
        let end = event.count - 4
        var crc: UInt32
        if clearingInUseFlag {
            crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: event[..<17]))
            withUnsafeBytes(of: event[17] & ~1) { crc = CRC32.checksum($0, continuing: crc) }
            crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: event[18..<end]), continuing: crc)
        } else {
            crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: event[..<end]))
        }
        let expected = UInt32(littleEndian: event.loadUnaligned(fromByteOffset: end, as: UInt32.self))
        guard crc == expected else {
            throw BinlogError(.checksumMismatch, "CRC32 mismatch: the event says 0x\(String(expected, radix: 16)), its bytes give 0x\(String(crc, radix: 16))")
        }
    }

    /// Where a v4 event starts: its next position less its size (unknown when the position is 0).
    private static func offset(of header: BinlogEventHeader) -> UInt64? {
        header.nextPosition >= header.eventSize && header.nextPosition > 0 ? UInt64(header.nextPosition - header.eventSize) : nil
    }

    private func locate(_ error: BinlogError, event: ByteBuffer, offset: UInt64?) -> BinlogError {
        var located = error
        let header = try? BinlogEventHeader(event)
        if let header { located.message = "\(header.type) event: \(error.message)" }
        if located.file == nil { located.file = fileName }
        if located.offset == nil { located.offset = offset ?? header.flatMap(Self.offset(of:)) }
        return located
    }
}
