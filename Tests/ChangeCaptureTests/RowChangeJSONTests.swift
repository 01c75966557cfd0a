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
}
