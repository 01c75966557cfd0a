import Binlog
import CCompressZlib
import CZstd
import NIOCore
import Testing

@Suite("Hand-built events")
struct HandBuiltEventTests {
    let builder = EventBuilder()

    @Test func referenceTableRows() throws {
        var decoder = BinlogEventDecoder()
        guard case .tableMap(let table) = try decoder.decode(builder.event(.tableMap, body: T10.tableMapBody)) else {
            Issue.record("not a TABLE_MAP")
            return
        }
        #expect(table.qualifiedName == "bench.t10")
        #expect(table.columns.map(\.name) == ["id", "a", "b", "c", "d", "e", "f", "g", "h", "i"])
        #expect(table.columns.map(\.isUnsigned) == [false, false, false, false, false, false, false, true, false, false])
        #expect(table.columns.map(\.collation) == [nil, nil, nil, 45, nil, nil, nil, nil, 45, nil])
        #expect(table.columns[4].metadata == 12 << 8 | 4)
        #expect(table.primaryKey == [TableMapEvent.PrimaryKeyPart(column: 0)])
        guard case .rows(let rows) = try decoder.decode(builder.event(.writeRowsV1, body: T10.writeRowsBody(rows: 3))) else {
            Issue.record("not a rows event")
            return
        }
        #expect(rows.kind == .insert)
        #expect(rows.isEndOfStatement)
        #expect(rows.rows.map(\.after) == [T10.expectedRow(id: 1), T10.expectedRow(id: 2, nullH: true), T10.expectedRow(id: 3)])
    }

    @Test func updateWithPartialImages() throws {
        var decoder = BinlogEventDecoder()
        _ = try decoder.decode(builder.event(.tableMap, body: T10.tableMapBody))
        // UPDATE_ROWS v2 under binlog_row_image=MINIMAL: before holds id, after holds a.
        var body = Array(EventBuilder.le(T10.tableID).prefix(6)) + [1, 0, 2, 0]
        body += [10, 0x01, 0x00, 0x02, 0x00]
        body += [0x00] + EventBuilder.le(Int64(7))
        body += [0x00] + EventBuilder.le(Int32(8))
        guard case .rows(let rows) = try decoder.decode(builder.event(.updateRows, body: body)) else {
            Issue.record("not a rows event")
            return
        }
        let none: [ColumnValue?] = Array(repeating: nil, count: 8)
        #expect(rows.rows == [RowsEvent.Row(before: [.int(7), nil] + none, after: [nil, .int(8)] + none)])
    }

    @Test func latin1LabelsDecodeByTheirCharset() throws {
        var decoder = BinlogEventDecoder()
        // ENUM('café','thé') in latin1: ENUM_STR_VALUE comes before ENUM_AND_SET_DEFAULT_CHARSET.
        var map: [UInt8] = [5, 0, 0, 0, 0, 0, 0, 0, 1, 0x64, 0, 1, 0x65, 0, 1, 254, 2, 0xF7, 0x01, 0x01]
        let labels: [UInt8] = [2, 4, 0x63, 0x61, 0x66, 0xE9, 3, 0x74, 0x68, 0xE9]
        map += [6, UInt8(labels.count)] + labels + [10, 1, 8]
        guard case .tableMap(let table) = try decoder.decode(builder.event(.tableMap, body: map)) else {
            Issue.record("not a TABLE_MAP")
            return
        }
        #expect(table.columns.first?.type == .enum)
        #expect(table.columns.first?.enumLabels == ["café", "thé"])
        #expect(table.columns.first?.collation == 8)
    }

    @Test func wideTableWithOneColumnPresent() throws {
        var decoder = BinlogEventDecoder()
        var map: [UInt8] = [9, 0, 0, 0, 0, 0, 0, 0, 1, 0x64, 0, 1, 0x77, 0, 100] + [UInt8](repeating: 3, count: 100) + [0]
        map += [UInt8](repeating: 0xFF, count: 13)
        _ = try decoder.decode(builder.event(.tableMap, body: map))
        // DELETE_ROWS v2 under MINIMAL: only the first of 100 columns, in fewer bytes than columns.
        let body: [UInt8] = [9, 0, 0, 0, 0, 0, 1, 0, 2, 0, 100, 0x01] + [UInt8](repeating: 0, count: 12) + [0x00, 42, 0, 0, 0]
        guard case .rows(let rows) = try decoder.decode(builder.event(.deleteRows, body: body)) else {
            Issue.record("not a rows event")
            return
        }
        #expect(rows.rows.first?.before == [.int(42)] + [ColumnValue?](repeating: nil, count: 99))
    }

    @Test func prepareTableFillsInAndSkips() throws {
        var decoder = BinlogEventDecoder()
        decoder.prepareTable = { table in
            table.columns[3].collation = 63
            return table.table == "t10"
        }
        _ = try decoder.decode(builder.event(.tableMap, body: T10.tableMapBody))
        guard case .rows(let rows) = try decoder.decode(builder.event(.writeRowsV1, body: T10.writeRowsBody(rows: 1))) else {
            Issue.record("not a rows event")
            return
        }
        #expect(rows.rows.first?.after?[3] == .bytes(Array("hello".utf8)))
        #expect(decoder.table(id: T10.tableID)?.columns[3].collation == 63)

        decoder.prepareTable = { _ in false }
        decoder.forgetTables()
        _ = try decoder.decode(builder.event(.tableMap, body: T10.tableMapBody))
        guard case .skippedRows(.insert, let table) = try decoder.decode(builder.event(.writeRowsV1, body: T10.writeRowsBody(rows: 1))) else {
            Issue.record("rows of a declined table should be skipped")
            return
        }
        #expect(table.table == "t10")
    }

    @Test func checksummedEvents() throws {
        var decoder = BinlogEventDecoder(checksum: .crc32)
        let sealed = EventBuilder(checksummed: true)
        _ = try decoder.decode(sealed.event(.tableMap, body: T10.tableMapBody))
        guard case .rows(let rows) = try decoder.decode(sealed.event(.writeRowsV1, body: T10.writeRowsBody(rows: 2))) else {
            Issue.record("not a rows event")
            return
        }
        #expect(rows.rows.count == 2)
        var damaged = sealed.event(.xid, body: EventBuilder.le(UInt64(9)))
        damaged.setInteger(UInt8(1), at: 20)
        #expect(throws: BinlogError.self) { try decoder.decode(damaged) }
    }

    @Test func mariaDBCompressedEvents() throws {
        var decoder = BinlogEventDecoder()
        _ = try decoder.decode(builder.event(.tableMap, body: T10.tableMapBody))
        let plain = T10.writeRowsBody(rows: 4)
        // Everything after the columns bitmap is compressed: a header byte (0x80 | bytes of length),
        // the length big-endian, then zlib.
        let head = Array(plain.prefix(11))
        let rows = Array(plain.dropFirst(11))
        let body = head + [0x82, UInt8(rows.count >> 8), UInt8(rows.count & 0xFF)] + Self.zlib(rows)
        guard case .rows(let event) = try decoder.decode(builder.event(.mariaWriteRowsCompressedV1, body: body)) else {
            Issue.record("not a rows event")
            return
        }
        let expected: [[ColumnValue?]?] = (1...4).map { (id: Int64) in T10.expectedRow(id: id, nullH: id % 2 == 0) }
        #expect(event.rows.map(\.after) == expected)

        let sql = Array("INSERT INTO t VALUES (1), (2), (3), (4), (5)".utf8)
        var query = EventBuilder.le(UInt32(5)) + EventBuilder.le(UInt32(0)) + [2] + EventBuilder.le(UInt16(0)) + EventBuilder.le(UInt16(0))
        query += Array("db".utf8) + [0] + [0x81, UInt8(sql.count)] + Self.zlib(sql)
        guard case .query(let statement) = try decoder.decode(builder.event(.mariaQueryCompressed, body: query)) else {
            Issue.record("not a query")
            return
        }
        #expect(statement.database == "db")
        #expect(statement.sql == String(decoding: sql, as: UTF8.self))

        let corrupt = head + [0x82, 0x01, 0x00, 0x78, 0x9C, 0x00]
        let error = #expect(throws: BinlogError.self) { try decoder.decode(builder.event(.mariaWriteRowsCompressedV1, body: corrupt)) }
        #expect(error?.kind == .decompression, "\(String(describing: error))")
    }

    static func zlib(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(compressBound(uLong(bytes.count))))
        var length = uLongf(output.count)
        _ = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { compress(out.baseAddress, &length, $0.baseAddress, uLong(bytes.count)) }
        }
        return Array(output.prefix(Int(length)))
    }

    @Test func transactionPayloadStreamsManyEvents() throws {
        // 20 000 inner XID events (31 bytes each, ~600 KiB), read back one at a time.
        let inner = builder.event(.xid, body: EventBuilder.le(UInt64(0)))
        var raw: [UInt8] = []
        for n in 0..<20_000 {
            var event = Array(inner.readableBytesView)
            event.replaceSubrange(19..<27, with: EventBuilder.le(UInt64(n)))
            raw += event
        }
        for compression in [TransactionPayloadEvent.Compression.zstd, .none] {
            let payload = compression == .zstd ? Self.zstd(raw) : raw
            var reader = try TransactionPayloadReader(TransactionPayloadEvent(
                compression: compression, payloadSize: UInt64(payload.count), uncompressedSize: UInt64(raw.count), payload: ByteBuffer(bytes: payload)))
            var decoder = BinlogEventDecoder(checksum: .crc32)
            var seen: UInt64 = 0
            while let event = try reader.next() {
                guard case .xid(let xid) = try decoder.decodePayloadEvent(event) else {
                    Issue.record("expected XID")
                    return
                }
                #expect(xid == seen)
                seen += 1
            }
            #expect(seen == 20_000)
        }
    }

    @Test func transactionPayloadThatEndsEarlyIsAnError() throws {
        let inner = Array(builder.event(.xid, body: EventBuilder.le(UInt64(1))).readableBytesView)
        let raw = inner + inner.prefix(10)
        var reader = try TransactionPayloadReader(TransactionPayloadEvent(
            compression: .zstd, payloadSize: 0, uncompressedSize: UInt64(raw.count), payload: ByteBuffer(bytes: Self.zstd(raw))))
        #expect(try reader.next() != nil)
        let error = #expect(throws: BinlogError.self) { try reader.next() }
        #expect(error?.kind == .truncated)
    }

    static func zstd(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let length = output.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { ZSTD_compress(out.baseAddress, out.count, $0.baseAddress, $0.count, 3) }
        }
        return Array(output.prefix(length))
    }

    @Test func heartbeats() throws {
        var decoder = BinlogEventDecoder()
        guard case .heartbeat(let v1) = try decoder.decode(builder.event(.heartbeat, nextPosition: 4567, body: Array("binlog.000003".utf8))) else {
            Issue.record("not a heartbeat")
            return
        }
        #expect(v1 == HeartbeatEvent(logFile: "binlog.000003", position: 4567))
        let position = EventBuilder.lengthEncoded(5_000_000_000)
        let body = [1] + EventBuilder.lengthEncoded("binlog.000004") + [2] + EventBuilder.lengthEncoded(position.count) + position + [0]
        guard case .heartbeat(let v2) = try decoder.decode(builder.event(.heartbeatV2, body: body)) else {
            Issue.record("not a heartbeat")
            return
        }
        #expect(v2 == HeartbeatEvent(logFile: "binlog.000004", position: 5_000_000_000))
    }

    @Test func mariaGTIDWithCommitID() throws {
        var decoder = BinlogEventDecoder()
        var maria = EventBuilder()
        maria.serverID = 9
        let body = EventBuilder.le(UInt64(42)) + EventBuilder.le(UInt32(3)) + [0x03] + EventBuilder.le(UInt64(77))
        guard case .mariaGTID(let gtid) = try decoder.decode(maria.event(.mariaGTID, body: body)) else {
            Issue.record("not a MariaDB GTID")
            return
        }
        #expect(gtid.gtid.description == "3-9-42")
        #expect(gtid.isStandalone)
        #expect(gtid.commitID == 77)
        let list = EventBuilder.le(UInt32(2)) + EventBuilder.le(UInt32(0)) + EventBuilder.le(UInt32(1)) + EventBuilder.le(UInt64(10))
            + EventBuilder.le(UInt32(1)) + EventBuilder.le(UInt32(2)) + EventBuilder.le(UInt64(20))
        guard case .mariaGTIDList(let gtids) = try decoder.decode(builder.event(.mariaGTIDList, body: list)) else {
            Issue.record("not a GTID list")
            return
        }
        #expect(MariaGTIDPosition(gtids).description == "0-1-10,1-2-20")
    }

    @Test func mysql56GTIDHasNoTimestamps() throws {
        var decoder = BinlogEventDecoder()
        let uuid = try #require(ServerUUID("3e11fa47-71ca-11e1-9e33-c80aa9429562"))
        guard case .gtid(let gtid) = try decoder.decode(builder.event(.gtid, body: [1] + uuid.bytes + EventBuilder.le(Int64(5)))) else {
            Issue.record("not a GTID")
            return
        }
        #expect(gtid == GTIDEvent(gtid: MySQLGTID(uuid: uuid, gno: 5), flags: 1))
        // 8.0: logical clock, commit timestamps (original one flagged in), length, server versions.
        var body = [0] + uuid.bytes + EventBuilder.le(Int64(6)) + [2] + EventBuilder.le(Int64(10)) + EventBuilder.le(Int64(11))
        body += Array(EventBuilder.le(UInt64(1_700_000_000_000_001) | 1 << 55).prefix(7)) + Array(EventBuilder.le(UInt64(1_600_000_000_000_000)).prefix(7))
        body += [0xFC] + EventBuilder.le(UInt16(300)) + EventBuilder.le(UInt32(80036))
        guard case .gtid(let modern) = try decoder.decode(builder.event(.gtid, body: body)) else {
            Issue.record("not a GTID")
            return
        }
        #expect(modern == GTIDEvent(
            gtid: MySQLGTID(uuid: uuid, gno: 6), flags: 0, lastCommitted: 10, sequenceNumber: 11,
            immediateCommitTimestamp: 1_700_000_000_000_001, originalCommitTimestamp: 1_600_000_000_000_000,
            transactionLength: 300, immediateServerVersion: 80036, originalServerVersion: 80036))
    }

    /// A table mapped again under a new id replaces its entry under the old one, which rows can
    /// no longer name: the decoder keeps one entry per table however long it runs.
    @Test func aTableMappedUnderANewIDForgetsTheOldID() throws {
        var decoder = BinlogEventDecoder()
        var renumbered = T10.tableMapBody
        renumbered.replaceSubrange(0..<6, with: EventBuilder.le(T10.tableID + 1).prefix(6))
        _ = try decoder.decode(builder.event(.tableMap, body: T10.tableMapBody))
        _ = try decoder.decode(builder.event(.tableMap, body: renumbered))
        #expect(decoder.table(id: T10.tableID + 1)?.qualifiedName == "bench.t10")
        #expect(decoder.table(id: T10.tableID) == nil)
        #expect(throws: BinlogError.self) { try decoder.decode(builder.event(.writeRowsV1, body: T10.writeRowsBody(rows: 1))) }
    }

    @Test func identicalTableMapsShareTheirPlan() throws {
        var decoder = BinlogEventDecoder()
        for _ in 0..<3 {
            guard case .tableMap(let table) = try decoder.decode(builder.event(.tableMap, body: T10.tableMapBody)) else {
                Issue.record("not a TABLE_MAP")
                return
            }
            #expect(table.columns.count == 10)
            _ = try decoder.decode(builder.event(.writeRowsV1, body: T10.writeRowsBody(rows: 1)))
        }
    }
}
