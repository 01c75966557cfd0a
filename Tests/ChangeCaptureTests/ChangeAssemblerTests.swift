import Binlog
import ChangeCapture
import Testing

@Suite struct ChangeAssemblerTests {
    let table = TableMapEvent(
        tableID: 17, database: "shop", table: "orders",
        columns: [ColumnDescriptor(type: .long, name: "id"), ColumnDescriptor(type: .varchar, metadata: 64, name: "name")],
        primaryKey: [TableMapEvent.PrimaryKeyPart(column: 0)]
    )

    func header(_ type: BinlogEventType, end: UInt32, size: UInt32 = 40) -> BinlogEventHeader {
        BinlogEventHeader(timestamp: 1_700_000_000, type: type, serverID: 1, eventSize: size, nextPosition: end, flags: 0)
    }

    func query(_ sql: String) -> BinlogEvent {
        .query(QueryEvent(threadID: 1, executionTime: 0, errorCode: 0, database: "shop", sql: sql))
    }

    func insert(_ id: Int64) -> BinlogEvent {
        .rows(RowsEvent(kind: .insert, table: table, flags: 1, rows: [.init(before: nil, after: [.int(id), .string("n\(id)")])]))
    }

    func gtid(_ sequence: UInt64) -> BinlogEvent {
        .mariaGTID(MariaGTIDEvent(gtid: MariaGTID(domain: 0, serverID: 1, sequence: sequence), flags: 0))
    }

    /// Feeds events and collects the chunks, as the source does.
    func run(_ assembler: inout ChangeAssembler, _ events: [(BinlogEvent, BinlogEventHeader)]) -> [ChangeChunk] {
        events.compactMap { assembler.consume($0.0, header: $0.1) }
    }

    @Test func committedTransactionCarriesChangesPositionAndGTID() {
        var assembler = ChangeAssembler(start: ReplicationPosition(file: "mariadb-bin.000001", offset: 4, gtidSet: "0-1-41,1-2-5"), isMariaDB: true)
        let chunks = run(&assembler, [
            (gtid(42), header(.mariaGTID, end: 100)),
            (query("BEGIN"), header(.query, end: 150)),
            (.tableMap(table), header(.tableMap, end: 200)),
            (insert(1), header(.writeRowsV1, end: 260, size: 60)),
            (insert(2), header(.writeRowsV1, end: 320, size: 60)),
            (.xid(9), header(.xid, end: 351)),
        ])
        #expect(chunks.count == 1)
        let chunk = chunks[0]
        #expect(chunk.changes.map { $0.after?[0] } == [.int(1), .int(2)])
        // Version: the GTID sum over both domains (42 + 5), then the rows event's index in the transaction.
        #expect(chunk.changes[0].position == ChangePosition(file: "mariadb-bin.000001", offset: 200, gtid: "0-1-42", version: 47 << 23 | 1))
        #expect(chunk.changes[1].position.version == 47 << 23 | 2)
        #expect(chunk.changes[0].key?.map(\.name) == ["id"])
        #expect(chunk.commit == ReplicationPosition(file: "mariadb-bin.000001", offset: 351, gtidSet: "0-1-42,1-2-5"))
        #expect(assembler.committed == chunk.commit)
    }

    /// A table mapped again under a new id keeps its layout, and its old id is forgotten rather
    /// than kept for as long as the stream runs.
    @Test func aTableMappedUnderANewIDKeepsItsLayoutAndForgetsTheOldID() throws {
        var assembler = ChangeAssembler(start: ReplicationPosition(file: "b.000001", offset: 4), isMariaDB: false)
        var renumbered = table
        renumbered.tableID = 18
        let newID = BinlogEvent.rows(RowsEvent(kind: .insert, table: renumbered, flags: 1, rows: [.init(before: nil, after: [.int(2), .string("n2")])]))
        let chunks = run(&assembler, [
            (query("BEGIN"), header(.query, end: 100)),
            (.tableMap(table), header(.tableMap, end: 150)),
            (insert(1), header(.writeRows, end: 200)),
            (.xid(1), header(.xid, end: 250)),
            (query("BEGIN"), header(.query, end: 300)),
            (.tableMap(renumbered), header(.tableMap, end: 350)),
            (newID, header(.writeRows, end: 400)),
            // Id 17 is no longer mapped: its rows get a layout of unknown columns.
            (insert(3), header(.writeRows, end: 450)),
            (.xid(2), header(.xid, end: 500)),
        ])
        let changes = chunks.flatMap(\.changes)
        try #require(changes.count == 3)
        #expect(changes[1].layout === changes[0].layout)
        #expect(changes[1].columns.names == ["id", "name"])
        #expect(changes[2].columns.names == ["@1", "@2"])
    }

    @Test func rollbackDropsTheTransactionButAdvances() {
        var assembler = ChangeAssembler(start: ReplicationPosition(file: "b.000001", offset: 4), isMariaDB: false)
        let chunks = run(&assembler, [
            (query("BEGIN"), header(.query, end: 100)),
            (.tableMap(table), header(.tableMap, end: 150)),
            (insert(1), header(.writeRows, end: 200)),
            (query("ROLLBACK"), header(.query, end: 250)),
        ])
        #expect(chunks.count == 1)
        #expect(chunks[0].changes.isEmpty)
        #expect(chunks[0].commit?.offset == 250)
    }

    @Test func largeTransactionIsChunkedAndOnlyTheLastCommits() {
        var assembler = ChangeAssembler(start: ReplicationPosition(file: "b.000001", offset: 4), isMariaDB: false, maxBufferedChanges: 2)
        var events: [(BinlogEvent, BinlogEventHeader)] = [(query("BEGIN"), header(.query, end: 100)), (.tableMap(table), header(.tableMap, end: 150))]
        for id in 1...5 { events.append((insert(Int64(id)), header(.writeRows, end: 150 + 50 * UInt32(id)))) }
        events.append((.xid(1), header(.xid, end: 500)))
        let chunks = run(&assembler, events)
        #expect(chunks.map(\.changes.count) == [2, 2, 1])
        #expect(chunks.map { $0.commit != nil } == [false, false, true])
        #expect(chunks.flatMap(\.changes).map { $0.after?[0] } == (1...5).map { .int(Int64($0)) })
    }

    @Test func wideRowsAreChunkedByBytesToo() {
        var assembler = ChangeAssembler(
            start: ReplicationPosition(file: "b.000001", offset: 4), isMariaDB: false, maxBufferedChanges: 100, maxBufferedBytes: 2_500
        )
        var events: [(BinlogEvent, BinlogEventHeader)] = [(query("BEGIN"), header(.query, end: 100)), (.tableMap(table), header(.tableMap, end: 150))]
        for id in 1...5 { events.append((insert(Int64(id)), header(.writeRows, end: 150 + 1000 * UInt32(id), size: 1000))) }
        events.append((.xid(1), header(.xid, end: 5200)))
        let chunks = run(&assembler, events)
        #expect(chunks.map(\.changes.count) == [3, 2])
        #expect(chunks.map { $0.commit != nil } == [false, true])
    }

    @Test func ddlIsItsOwnTransactionAndRotateMovesTheFile() {
        var assembler = ChangeAssembler(start: ReplicationPosition(file: "b.000001", offset: 4), isMariaDB: true)
        let chunks = run(&assembler, [
            (gtid(7), header(.mariaGTID, end: 100)),
            (query("ALTER TABLE orders ADD COLUMN x INT"), header(.query, end: 200)),
            (.rotate(RotateEvent(position: 4, nextFile: "b.000002")), header(.rotate, end: 240)),
        ])
        #expect(chunks.count == 1)
        // The start gave no GTID state, so the positions carry none: one GTID is not the whole state.
        #expect(chunks[0].commit == ReplicationPosition(file: "b.000001", offset: 200))
        #expect(assembler.committed == ReplicationPosition(file: "b.000002", offset: 4))
    }

    @Test func withoutAGTIDStateAtTheStartVersionsStayFileOffsetsAndPositionsCarryNoGTIDs() {
        // A start without its GTID state (a file and offset saved without one): the GTIDs read since are
        // not the whole state, so neither the positions nor the versions may be made of them.
        var assembler = ChangeAssembler(start: ReplicationPosition(file: "mariadb-bin.000003", offset: 4), isMariaDB: true)
        let chunks = run(&assembler, [
            (gtid(42), header(.mariaGTID, end: 100)),
            (query("BEGIN"), header(.query, end: 150)),
            (.tableMap(table), header(.tableMap, end: 200)),
            (insert(1), header(.writeRowsV1, end: 260, size: 60)),
            (.xid(9), header(.xid, end: 291)),
            (gtid(43), header(.mariaGTID, end: 340)),
            (query("BEGIN"), header(.query, end: 390)),
            (.tableMap(table), header(.tableMap, end: 440)),
            (insert(1), header(.writeRowsV1, end: 500, size: 60)),
            (.xid(10), header(.xid, end: 531)),
        ])
        #expect(chunks.map(\.commit) == [
            ReplicationPosition(file: "mariadb-bin.000003", offset: 291), ReplicationPosition(file: "mariadb-bin.000003", offset: 531),
        ])
        // The second write of document 1 has the higher version, so the index takes it.
        #expect(chunks.flatMap(\.changes).map(\.position.version) == [3 << 40 | 200, 3 << 40 | 440])
    }

    @Test func unknownNamesAreNumbered() {
        var assembler = ChangeAssembler(start: ReplicationPosition(file: "b.000001", offset: 4), isMariaDB: false)
        let bare = TableMapEvent(tableID: 3, database: "d", table: "t", columns: [ColumnDescriptor(type: .long), ColumnDescriptor(type: .long)])
        let rows = RowsEvent(kind: .delete, table: bare, flags: 1, rows: [.init(before: [.int(1), .int(2)], after: nil)])
        let chunks = run(&assembler, [
            (query("BEGIN"), header(.query, end: 100)),
            (.tableMap(bare), header(.tableMap, end: 150)),
            (.rows(rows), header(.deleteRows, end: 200)),
            (query("COMMIT"), header(.query, end: 250)),
        ])
        #expect(chunks.first?.changes.first?.columns.names == ["@1", "@2"])
        // No GTIDs: the file's sequence number and the rows event's offset.
        #expect(chunks.first?.changes.first?.position.version == 1 << 40 | 160)
        #expect(chunks.first?.changes.first?.key == nil)
    }
}
