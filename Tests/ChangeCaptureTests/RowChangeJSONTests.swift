import Binlog
import ChangeCapture
import NIOCore
import Testing

@Suite struct RowChangeJSONTests {
    let columns = ColumnLayout(["id", "name", "price"])

    func line(_ change: RowChange) -> String {
        var buffer = ByteBuffer()
        change.writeJSONLine(into: &buffer)
        return String(buffer: buffer)
    }

    @Test func updateWithKeyAndGTID() {
        let change = RowChange(
            operation: .update, database: "shop", table: "orders", columns: columns, keyColumns: [0],
            before: [.int(7), .string("a\"b"), .decimal("-12.340")],
            after: [.int(7), .string("c"), .null],
            position: ChangePosition(file: "mariadb-bin.000003", offset: 1234, gtid: "0-1-42"),
            timestamp: 1_700_000_000
        )
        #expect(line(change) == #"""
            {"op":"update","db":"shop","table":"orders","key":{"id":7},"before":{"id":7,"name":"a\"b","price":-12.340},"after":{"id":7,"name":"c","price":null},"pos":{"file":"mariadb-bin.000003","pos":1234,"gtid":"0-1-42"},"ts":1700000000}

            """#)
    }

    @Test func unknownKeyAndMissingColumns() {
        let change = RowChange(
            operation: .delete, database: "d", table: "t", columns: ColumnLayout(unknownCount: 3), keyColumns: nil,
            before: [.uint(1), nil, .string("x")], after: nil,
            position: ChangePosition(file: "f.000001", offset: 4, gtid: nil), timestamp: 0
        )
        #expect(line(change) == #"""
            {"op":"delete","db":"d","table":"t","key":null,"before":{"@1":1,"@3":"x"},"after":null,"missing":["@2"],"pos":{"file":"f.000001","pos":4},"ts":0}

            """#)
    }

    /// A MINIMAL update's after image holds only the changed columns: the key is read from before.
    @Test func minimalUpdateTakesItsKeyFromTheBeforeImage() {
        let change = RowChange(
            operation: .update, database: "d", table: "t", columns: columns, keyColumns: [0],
            before: [.int(7), nil, nil], after: [nil, .string("c"), nil],
            position: ChangePosition(file: "f.000001", offset: 4, gtid: nil), timestamp: 0
        )
        #expect(line(change) == #"""
            {"op":"update","db":"d","table":"t","key":{"id":7},"before":{"id":7},"after":{"name":"c"},"missing":["id","name","price"],"pos":{"file":"f.000001","pos":4},"ts":0}

            """#)
    }

    /// A line longer than the room first tried is written from its exact bound, after what the
    /// buffer already held.
    @Test func aLongLineIsWrittenWhole() {
        let text = String(repeating: "ab\"", count: 3000)
        let change = RowChange(
            operation: .insert, database: "d", table: "t", columns: columns, keyColumns: [0],
            before: nil, after: [.int(1), .string(text), .null],
            position: ChangePosition(file: "f.000001", offset: 4, gtid: nil), timestamp: 0
        )
        var buffer = ByteBuffer(string: "first\n")
        change.writeJSONLine(into: &buffer)
        let escaped = String(repeating: #"ab\""#, count: 3000)
        #expect(String(buffer: buffer) == #"first"# + "\n" + #"{"op":"insert","db":"d","table":"t","key":{"id":1},"before":null,"after":{"id":1,"name":""#
            + escaped + #"","price":null},"pos":{"file":"f.000001","pos":4},"ts":0}"# + "\n")
    }

    /// A JSON document's size is only known by writing it, so such a line is written in parts; it
    /// must read the same as one written at once.
    @Test func jsonDocumentsAndEscapedNamesAndMissingColumns() {
        let change = RowChange(
            operation: .update, database: "d\"b", table: "t\n", columns: ColumnLayout(["k\u{1}", "doc", "note"]), keyColumns: [0, 1],
            before: [.string("x\u{0}"), .json(.object([(key: "a", value: .array([.int(1), .string("é\"")]))])), nil],
            after: [.string("x\u{0}"), .json(.null), .set(bits: 3, labels: ["p", "q"])],
            position: ChangePosition(file: "b.000001", offset: UInt64.max, gtid: "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"),
            timestamp: UInt32.max
        )
        #expect(line(change) == #"""
            {"op":"update","db":"d\"b","table":"t\n","key":{"k\u0001":"x\u0000","doc":null},"before":{"k\u0001":"x\u0000","doc":{"a":[1,"é\""]}},"after":{"k\u0001":"x\u0000","doc":null,"note":["p","q"]},"missing":["note"],"pos":{"file":"b.000001","pos":18446744073709551615,"gtid":"3e11fa47-71ca-11e1-9e33-c80aa9429562:23"},"ts":4294967295}

            """#)
        var plain = change
        plain.before = nil
        plain.after = [.string("x\u{0}"), .string("\u{1F}\u{1F}\u{1F}"), .null]
        #expect(line(plain) == #"""
            {"op":"update","db":"d\"b","table":"t\n","key":{"k\u0001":"x\u0000","doc":"\u001f\u001f\u001f"},"before":null,"after":{"k\u0001":"x\u0000","doc":"\u001f\u001f\u001f","note":null},"pos":{"file":"b.000001","pos":18446744073709551615,"gtid":"3e11fa47-71ca-11e1-9e33-c80aa9429562:23"},"ts":4294967295}

            """#)
    }
}
