import Binlog
import NIOCore
import Testing

/// json.binlog.000001 (MySQL 8.0.22): binary JSON columns, and PARTIAL_UPDATE_ROWS with
/// `binlog_row_value_options=PARTIAL_JSON` under `binlog_row_image=MINIMAL`.
///
/// These need the real `JSONBinaryDecoder` and `JSONDiff`, built in parallel: they pass once those
/// are merged. Expected documents were read by hand from the event bytes (MySQL's binary JSON: a
/// small object of 3 keys, sorted by length then bytes, int16 values inline, strings by offset).
@Suite("JSON columns in json.binlog.000001")
struct JSONColumnFixtureTests {
    static func person(age: Int64, data: String, name: String) -> JSONValue {
        .object([(key: "age", value: .int(age)), (key: "data", value: .string(data)), (key: "name", value: .string(name))])
    }

    static let joe = person(age: 24, data: "xxxxxxxxxx", name: "Joe")
    static let sue = person(age: 32, data: "yyyyyyyyyy", name: "Sue")
    static let pete = person(age: 40, data: "zzzzzzzzzz", name: "Pete")

    @Test func fileDecodesEndToEnd() throws {
        let events = try Fixture.decode("json.binlog.000001")
        guard case .formatDescription(let format) = events.first?.event else {
            Issue.record("no FORMAT_DESCRIPTION")
            return
        }
        #expect(format.serverVersion == "8.0.22")
        #expect(events.first?.header.isBinlogInUse == true)
        #expect(Fixture.rowsEvents(events).map(\.kind) == [.insert, .insert, .insert, .insert, .update, .update])
    }

    @Test func insertedDocuments() throws {
        let rows = Fixture.rowsEvents(try Fixture.decode("json.binlog.000001"))
        // t(id, json_col, name AS (json_col->>'$.name'), age AS (json_col->'$.age'))
        #expect(rows[0].rows == [RowsEvent.Row(before: nil, after: [.int(1), .json(Self.joe), .string("Joe"), .int(24)])])
        #expect(rows[1].rows == [RowsEvent.Row(before: nil, after: [.int(2), .json(Self.sue), .string("Sue"), .int(32)])])
        #expect(rows[2].rows == [RowsEvent.Row(before: nil, after: [.int(3), .json(Self.pete), .string("Pete"), .int(40)])])
        #expect(rows[3].rows.map { $0.after?[0] } == [.int(4), .int(5), .int(6)])
    }

    @Test func fullUpdate() throws {
        let update = Fixture.rowsEvents(try Fixture.decode("json.binlog.000001"))[4]
        #expect(update.rows.count == 6)
        #expect(update.rows.first == RowsEvent.Row(
            before: [.int(1), .json(Self.joe), .string("Joe"), .int(24)],
            after: [.int(1), .json(Self.person(age: 25, data: "xxxxxxxxxx", name: "Joe")), .string("Joe"), .int(25)]))
    }

    @Test func partialUpdateUnderMinimalImage() throws {
        let partial = Fixture.rowsEvents(try Fixture.decode("json.binlog.000001"))[5]
        #expect(partial.rows.count == 6)
        // The before image holds only the key, so the diff cannot be applied: it is handed over.
        let first = try #require(partial.rows.first)
        #expect(first.before == [.int(1), nil, nil, nil])
        #expect(first.after == [nil, nil, .string("Joe"), .int(26)])
        #expect(first.unappliedJSONDiffs == [1: [JSONDiff(operation: .replace, path: "$.age", value: .int(26))]])
        #expect(partial.rows.last?.after == [nil, nil, .string("Pete"), .int(42)])
    }
}
