import Binlog
import ChangeCapture
@testable import Pipeline
import NIOCore
import Testing

@Suite struct DocumentMapperTests {
    /// Plans are cached per table layout. Two layouts sharing one column list (as a snapshot's rows
    /// once did) are still two tables, with two indexes and two keys.
    @Test func eachTableLayoutHasItsOwnPlan() {
        let columns = ColumnLayout(["id", "code"])
        let orders = TableLayout(database: "shop", table: "orders", columns: columns, keyColumns: [0])
        let returns = TableLayout(database: "shop", table: "returns", columns: columns, keyColumns: [1])
        var mapper = DocumentMapper(rules: [])
        for _ in 0..<2 {
            #expect(mapper.plan(for: Self.insert(into: orders)).index == "shop.orders")
            #expect(mapper.plan(for: Self.insert(into: orders)).idColumns == [0])
            #expect(mapper.plan(for: Self.insert(into: returns)).index == "shop.returns")
            #expect(mapper.plan(for: Self.insert(into: returns)).idColumns == [1])
        }
    }

    /// A document is put in the room its buffer has; a longer one from its exact bound, and one
    /// with a JSON document piece by piece. All three read the same.
    @Test func shortLongAndUnboundedDocumentsAreWrittenAlike() throws {
        let layout = TableLayout(database: "d", table: "t", columns: ColumnLayout(["id", "na\"me", "doc"]), keyColumns: [0])
        var mapper = DocumentMapper(rules: [])
        for (text, doc, docJSON) in [
            ("short", ColumnValue.null, "null"),
            (String(repeating: "é\"", count: 3000), .int(2), "2"),
            ("short", .json(.object([(key: "a", value: .array([.int(1)]))])), #"{"a":[1]}"#),
        ] {
            let change = RowChange(
                operation: .insert, layout: layout, before: nil, after: [.int(1), .string(text), doc],
                position: ChangePosition(file: "mariadb-bin.000001", offset: 4, gtid: nil), timestamp: 0
            )
            var writes: [DocumentWrite] = []
            try mapper.appendWrites(for: change, version: 1, to: &writes)
            let escaped = text.replacingOccurrences(of: "\"", with: "\\\"")
            #expect(writes.map(\.id) == ["1"])
            #expect(writes.first?.source.map { String(buffer: $0) } == #"{"id":1,"na\"me":""# + escaped + #"","doc":"# + docJSON + "}")
        }
    }

    static func insert(into layout: TableLayout) -> RowChange {
        RowChange(
            operation: .insert, layout: layout, before: nil, after: [.int(1), .string("a")],
            position: ChangePosition(file: "mariadb-bin.000001", offset: 4, gtid: nil), timestamp: 0
        )
    }
}
