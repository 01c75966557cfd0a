import ChangeCapture
import Testing

@testable import Operations

@Suite struct VerifyReportTests {
    private var report: VerifyReport {
        var orders = VerifyReport.Table(table: "shop.orders", index: "orders", rows: 4, documents: 4, sampleLimit: 2)
        orders.missing = .init(["3", "5", "8"], limit: 2)
        orders.extra = .init(["9"], limit: 2)
        orders.repaired = 4
        orders.rechecked = 6
        let items = VerifyReport.Table(table: "shop.items", index: "shop.items", rows: 2, documents: 2, sampleLimit: 2)
        return VerifyReport(tables: [orders, items])
    }

    @Test func text() {
        #expect(!report.matches)
        #expect(report.text == """
            shop.orders -> orders: DIFFERS (4 rows, 4 documents)
              missing: 3 (3, 5, …)
              extra: 1 (9)
              rechecked: 6 ids checked again once the changes in flight had landed
              repaired: 4 documents written or deleted
            shop.items -> shop.items: ok (2 rows, 2 documents)
            1 of 2 tables differ from their indexes
            """)
    }

    @Test func json() {
        #expect(report.json == #"{"matches":false,"tables":[{"table":"shop.orders","index":"orders","matches":false,"rows":4,"documents":4,"#
            + #""missing":{"total":3,"ids":["3","5"]},"extra":{"total":1,"ids":["9"]},"different":{"total":0,"ids":[]},"rechecked":6,"repaired":4},"#
            + #"{"table":"shop.items","index":"shop.items","matches":true,"rows":2,"documents":2,"#
            + #""missing":{"total":0,"ids":[]},"extra":{"total":0,"ids":[]},"different":{"total":0,"ids":[]},"rechecked":0}]}"#)
    }

    @Test func syncProgressComparesFileSequenceThenOffset() {
        let position = ReplicationPosition(file: "mariadb-bin.999999", offset: 400)
        #expect(SyncProgress.isAtOrPast(file: "mariadb-bin.999999", offset: 400, position))
        #expect(!SyncProgress.isAtOrPast(file: "mariadb-bin.999999", offset: 399, position))
        #expect(SyncProgress.isAtOrPast(file: "mariadb-bin.1000000", offset: 4, position))
        #expect(!SyncProgress.isAtOrPast(file: "mariadb-bin.999998", offset: 9_999, position))
    }
}
