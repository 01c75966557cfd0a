import Binlog
import ChangeCapture
@testable import Pipeline
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

    static func insert(into layout: TableLayout) -> RowChange {
        RowChange(
            operation: .insert, layout: layout, before: nil, after: [.int(1), .string("a")],
            position: ChangePosition(file: "mariadb-bin.000001", offset: 4, gtid: nil), timestamp: 0
        )
    }
}
