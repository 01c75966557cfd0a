import Binlog
import NIOCore
import Testing

/// Values the fixture files must decode to. Expected values come from Fixtures/ATTRIBUTION.md's
/// sources (MANIFEST counts, the origin projects' own assertions, the SQL that produced each file)
/// and from `mariadb-binlog -vv --base64-output=DECODE-ROWS`, never from this decoder.
@Suite("Fixture file contents")
struct FixtureExpectationTests {
    func types(_ events: [Fixture.Decoded]) -> [BinlogEventType] {
        events.map(\.header.type)
    }

    @Test func eventCounts() throws {
        // Counts from osheroff's BinaryLogFileReaderIntegrationTest and apecloud's parse_file_tests.
        #expect(try Fixture.decode("mysql-bin.checksum-crc32").count == 303)
        let none = try Fixture.decode("mysql-bin.checksum-none")
        #expect(none.count == 191)
        guard case .stop = none.last?.event else {
            Issue.record("mysql-bin.checksum-none should end with STOP")
            return
        }
        #expect(try Fixture.decode("mysql-bin.000080").count == 37)
    }

    @Test func checksummedFileValues() throws {
        let rows = Fixture.rowsEvents(try Fixture.decode("mysql-bin.checksum-crc32"))
        let first = try #require(rows.first)
        #expect(first.kind == .insert)
        #expect(first.table.qualifiedName == "simu_file_dev.folder")
        #expect(first.rows.first?.after == [
            .int(12_300_113), .string("test2"), .string("/"), .int(116_103),
            .timestamp(MySQLTimestamp(seconds: 1_525_422_719, microsecond: 0, fsp: 0)), .int(906_703), .int(0), .int(0), .int(0),
            .timestamp(MySQLTimestamp(seconds: 1_525_422_719, microsecond: 0, fsp: 0)), .int(0), .int(12_200_009),
        ])
    }

    @Test func uncheckedFileValues() throws {
        let rows = Fixture.rowsEvents(try Fixture.decode("mysql-bin.checksum-none"))
        let first = try #require(rows.first)
        #expect(first.table.qualifiedName == "account_db.account")
        let when = ColumnValue.datetime(MySQLDateTime(date: MySQLDate(year: 2018, month: 10, day: 30), hour: 18, minute: 2, second: 9, microsecond: 0, fsp: 0))
        #expect(first.rows.first?.after == [
            .string("42b0a771-9345-4b19-b503-d51b5fff30ef"), when, when, .string("086"), .string("zh-cn"),
            .string("18888888888"), .string("test_nickname"), .string("14e1b600b1fd579f47433b88e8d85291"), .string("test_user_name"),
        ])
    }

    @Test func mariaDBFullMetadata() throws {
        let events = try Fixture.decode("mariadb-bin.000001")
        let table = try #require(Fixture.tableMaps(events).first)
        #expect(table.qualifiedName == "toddy_test.outbox")
        #expect(table.columns.map(\.name) == ["id", "topic", "event_type", "event", "created"])
        #expect(table.primaryKey == [TableMapEvent.PrimaryKeyPart(column: 0)])
        #expect(table.columns.map(\.collation) == [nil, 45, 45, 63, nil])
        #expect(table.columns[2].type == .enum)
        #expect(table.columns.map(\.isNullable) == [false, false, true, false, false])

        let rows = Fixture.rowsEvents(events)
        #expect(rows.count == 2)
        // insert into outbox (topic, event_type, event) values ('foo', 'JSON', '{"foo":1}')
        #expect(rows.first?.rows.first?.after == [
            .int(62), .string("foo"), .enumeration(index: 2, label: "JSON"), .bytes(Array(#"{"foo":1}"#.utf8)),
            .timestamp(MySQLTimestamp(seconds: 1_650_493_084, microsecond: 0, fsp: 0)),
        ])
        #expect(rows.last?.rows.first?.after?[0] == .int(63))

        let gtids = events.compactMap { if case .mariaGTID(let gtid) = $0.event { gtid.gtid.description } else { nil } }
        #expect(gtids == ["0-1-1", "0-1-2"])
        let xids = events.compactMap { if case .xid(let xid) = $0.event { xid } else { nil } }
        #expect(xids == [800, 820])
        let annotations = events.compactMap { if case .mariaAnnotateRows(let sql) = $0.event { sql } else { nil } }
        #expect(annotations.first == #"insert into outbox (topic, event_type, event) values ('foo', 'JSON', '{"foo":1}')"#)
        #expect(events.contains { if case .mariaBinlogCheckpoint("mariadb-bin.000001") = $0.event { true } else { false } })
        #expect(events.contains { if case .mariaGTIDList([]) = $0.event { true } else { false } })
    }

    @Test func enumSetAndStringLengths() throws {
        let events = try Fixture.decode("mysql-enum-string-set.000001")
        let rows = Fixture.rowsEvents(events)
        #expect(rows.map(\.kind) == [.insert, .update, .delete])
        let table = try #require(rows.first?.table)
        #expect(table.columns.map(\.name) == ["f1", "f2", "f3", "f4", "f5"])
        #expect(table.columns[2].enumLabels == ["var1", "variant2", "foo"])
        #expect(table.columns[3].setLabels == ["one", "two", "three", "four"])
        // CHAR(128) in utf8mb4 is 512 bytes: the length above 255 that borrows bits of the type byte.
        #expect(table.columns[0].type == .string && table.columns[0].metadata == 512)

        let digits100 = String(repeating: "0123456789", count: 10)
        // As inserted (and as rust_mysql_common asserts it): a nine is missing twice.
        let digits300 = "01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
            + "01234567890123456780123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
            + "123456789012345678901234567890123456780123456789012345678901234567890123456789"
        let inserted: [ColumnValue?] = [.string(digits100), .string(digits300), .enumeration(index: 1, label: "var1"),
                                        .set(bits: 0b0101, labels: ["one", "three"]), .string("0123456789")]
        let updated: [ColumnValue?] = [.string("field1"), .string("field_2"), .enumeration(index: 2, label: "variant2"),
                                       .set(bits: 0b1010, labels: ["two", "four"]), .string(digits300)]
        #expect(rows[0].rows == [RowsEvent.Row(before: nil, after: inserted)])
        #expect(rows[1].rows == [RowsEvent.Row(before: inserted, after: updated)])
        #expect(rows[2].rows == [RowsEvent.Row(before: updated, after: nil)])
    }

    @Test func bitColumns() throws {
        let rows = Fixture.rowsEvents(try Fixture.decode("mysql_type_bit.000001"))
        #expect(rows.first?.rows.first?.after == [.bit(0b100), .string("foo"), .bit(0b10_0000)])
    }

    @Test func minimalRowImage() throws {
        let rows = Fixture.rowsEvents(try Fixture.decode("minimal_row_metadata.000001"))
        let event = try #require(rows.first)
        // Only columns 1, 3 and 5 are in the image; @5 is INT UNSIGNED (rust_mysql_common issue #162).
        #expect(event.rows.first?.after == [.int(1), nil, .string("a"), nil, .uint(3_230_202_323)])
        #expect(event.table.columns[2].collation == 255)
        #expect(event.table.columns[4].isUnsigned)
        #expect(!event.table.columns[0].isUnsigned)
    }

    @Test func invisibleColumns() throws {
        let tables = Fixture.tableMaps(try Fixture.decode("binlog-invisible-columns.000001"))
        #expect(!tables.isEmpty)
        for table in tables {
            let visibility = try #require(table.columnVisibility)
            #expect(visibility.count == table.columns.count)
            #expect(visibility.contains(false))
        }
    }

    @Test func vectors() throws {
        let events = try Fixture.decode("vector.binlog")
        let tables = Fixture.tableMaps(events)
        let foo = try #require(tables.first { $0.table == "foo" })
        let bar = try #require(tables.first { $0.table == "bar" })
        #expect(foo.columns.compactMap(\.vectorDimension) == [3])
        #expect(bar.columns.compactMap(\.vectorDimension) == [2, 4])
        let row = try #require(Fixture.rowsEvents(events).first { $0.table.table == "foo" }?.rows.first?.after)
        #expect(row.first == .uint(1))
        guard case .vector(let floats)?? = row.dropFirst().first else {
            Issue.record("foo.vector_column is not a vector")
            return
        }
        #expect(floats.count == 3)
        // The bytes 205, 204, 140, 63.
        #expect(floats.first?.bitPattern == 0x3F8C_CCCD)
    }

    @Test func taggedGTIDs() throws {
        let events = try Fixture.decode("binlog_transaction_with_GTID_TAG.000001")
        let gtid = try #require(events.compactMap { if case .gtid(let gtid) = $0.event { gtid } else { nil } }.first)
        #expect(gtid.gtid?.description == "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3")
        #expect(gtid.immediateServerVersion == 90600)
        let previous = try #require(events.compactMap { if case .previousGTIDs(let set) = $0.event { set } else { nil } }.first)
        #expect(previous.description == "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2")
    }

    @Test func untaggedPreviousGTIDs() throws {
        let events = try Fixture.decode("binlog_transaction_previous_GTID_no_tag.000001")
        let previous = try #require(events.compactMap { if case .previousGTIDs(let set) = $0.event { set } else { nil } }.first)
        #expect(previous.description == "b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2")
    }

    @Test func compressedTransactionPayloads() throws {
        let events = try Fixture.decode("transaction_compression.000001")
        let payload = try #require(events.compactMap { if case .transactionPayload(let payload) = $0.event { payload } else { nil } }.first)
        #expect(payload.compression == .zstd)
        #expect(payload.payloadSize == 124)
        #expect(payload.uncompressedSize == 179)
        #expect(types(events.filter(\.inPayload)) == [.query, .tableMap, .writeRows, .xid])
        #expect(events.filter(\.inPayload).allSatisfy { $0.header.nextPosition == 0 })

        let movies = try Fixture.decode("mysql-bin.compressed")
        let moviesPayload = try #require(movies.compactMap { if case .transactionPayload(let payload) = $0.event { payload } else { nil } }.first)
        #expect(moviesPayload.payloadSize == 451)
        #expect(moviesPayload.uncompressedSize == 960)
        #expect(types(movies.filter(\.inPayload)) == [.query, .tableMap, .updateRows, .xid])
        let update = try #require(Fixture.rowsEvents(movies).first)
        #expect(update.table.columns.count == 11)
        #expect(update.rows.count == 1)
    }

    @Test func ignorableUnknownEvent() throws {
        let events = try Fixture.decode("mysql-bin.aurora-padding")
        #expect(types(events) == [.formatDescription, .previousGTIDs, .anonymousGTID, BinlogEventType(rawValue: 100), .query])
        guard case .ignored(let type) = events[3].event else {
            Issue.record("the Aurora padding event should decode as ignored")
            return
        }
        #expect(type.rawValue == 100)
    }

    @Test func integerTableInsertUpdateDelete() throws {
        // insert into int_table values(1,11,111,1111,11111,true);
        // update int_table set col2=22,col3=222 where col1=1; delete from int_table where col1=1;
        let inserted: [ColumnValue?] = [.int(1), .int(11), .int(111), .int(1111), .int(11111), .int(1)]
        let updated: [ColumnValue?] = [.int(1), .int(22), .int(222), .int(1111), .int(11111), .int(1)]
        let write = Fixture.rowsEvents(try Fixture.decode("rustus-8.0_19_30_table_map_write_rows.binlog"))
        #expect(write.map(\.rows) == [[RowsEvent.Row(before: nil, after: inserted)]])
        #expect(write.first?.table.qualifiedName == "test.int_table")
        #expect(write.first?.isEndOfStatement == true)
        let update = Fixture.rowsEvents(try Fixture.decode("rustus-8.0_31_update_rows_v2.binlog"))
        #expect(update.map(\.rows) == [[RowsEvent.Row(before: nil, after: inserted)], [RowsEvent.Row(before: inserted, after: updated)]])
        let delete = Fixture.rowsEvents(try Fixture.decode("rustus-8.0_32_delete_rows_v2.binlog"))
        #expect(delete.last?.kind == .delete)
        #expect(delete.last?.rows == [RowsEvent.Row(before: updated, after: nil)])
    }

    @Test func rowsQueryAndStatementEvents() throws {
        let rowQuery = try Fixture.decode("rustus-5.7_29_row_query.binlog")
        let sql = rowQuery.compactMap { if case .rowsQuery(let sql) = $0.event { sql } else { nil } }
        #expect(sql == ["INSERT INTO `boxercrab` (`title`) VALUES ('hahhhhhhhhh')"])
        // `id` is INT UNSIGNED, but MySQL 5.7 logs no signedness: without it the column reads as signed.
        #expect(Fixture.rowsEvents(rowQuery).first?.rows.first?.after == [.int(1), .string("hahhhhhhhhh")])

        let userVars = try Fixture.decode("rustus-5.7_14_user_var.binlog")
        let others = userVars.compactMap { if case .other(let type) = $0.event { type } else { nil } }
        #expect(others == [.intvar, .userVar, .userVar, .userVar])

        let load = try Fixture.decode("rustus-5.7_17_18_load.binlog")
        let loadEvents = load.compactMap { (decoded) -> BinlogEventType? in if case .other(let type) = decoded.event { type } else { nil } }
        #expect(loadEvents == [.beginLoadQuery, .executeLoadQuery])
    }

    @Test func utf8mb4Table() throws {
        let rows = Fixture.rowsEvents(try Fixture.decode("mysql-bin.000080"))
        #expect(rows.map(\.table.qualifiedName).suffix(1) == ["a.emoji"])
        #expect(rows.last?.rows.first?.after == [.int(2), .string("")])
        #expect(rows.first?.rows == [RowsEvent.Row(before: [.int(12)], after: nil), RowsEvent.Row(before: [.int(12)], after: nil)])
    }

    @Test func rotateUpdatesTheFileName() throws {
        var reader = try BinlogFileReader(try Fixture.bytes("mysql-bin.checksum-crc32"), fileName: "mysql-bin.000001")
        var decoder = BinlogEventDecoder(fileName: "mysql-bin.000001")
        var last: BinlogEvent?
        while let (offset, event) = try reader.next() { last = try decoder.decode(event, at: offset) }
        guard case .rotate(let rotate) = last else {
            Issue.record("the file should end with ROTATE")
            return
        }
        #expect(decoder.fileName == rotate.nextFile)
        #expect(rotate.position == 4)
    }
}
