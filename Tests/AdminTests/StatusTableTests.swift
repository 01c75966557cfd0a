import Foundation
import Testing

@testable import Admin
@testable import Pipeline

@Suite struct StatusTableTests {
    let now = Date(timeIntervalSince1970: 1_700_000_100)

    func status() -> PipelineStatus {
        PipelineStatus(
            source: .init(url: "mysql://sluice:***@127.0.0.1:3307?tls=preferred", serverID: 4242, sourceServerID: 1),
            position: .init(file: "mariadb-bin.000012", offset: 3456, gtidSet: "0-1-1234", timestamp: 1_700_000_000),
            lag: .init(seconds: 0.25, bytes: 1536),
            freshness: PipelineStatus.Freshness(samples: [0.040, 0.045, 0.180]),
            snapshot: nil,
            tables: [
                .init(name: "shop.orders", inserts: 1_204_331, updates: 30, deletes: 2, documents: 1_204_363, deadLetters: 0),
                .init(name: "shop.users", inserts: 7, updates: 0, deletes: 0, documents: 6, deadLetters: 1, snapshotRows: 500, snapshotEstimate: 510),
            ],
            lastError: .init(time: Date(timeIntervalSince1970: 1_700_000_088), level: "error", message: "dead-lettered a change the index refused"),
            ready: true,
            notReady: []
        )
    }

    @Test func theTableReadsAtAGlance() {
        #expect(StatusTable.render(status(), now: now) == """
            source     mysql://sluice:***@127.0.0.1:3307?tls=preferred (server id 1, reading as 4242)
            position   mariadb-bin.000012:3456  gtid 0-1-1234  committed 2023-11-14T22:13:20Z
            lag        250 ms, 1.5 KiB of binlog
            freshness  p50 45 ms, p99 180 ms (last 3 transactions)
            ready      yes

            table          inserts  updates  deletes  documents  dead letters     snapshot
            shop.orders  1,204,331       30        2  1,204,363             0            -
            shop.users           7        0        0          6             1  500 of ~510

            last error 2023-11-14T22:14:48Z (12.0 s ago) error: dead-lettered a change the index refused

            """)
    }

    @Test func applyShowsItsPartitionsAndCaptureItsDeliveries() {
        var apply = status()
        apply.position = nil
        apply.tables = []
        apply.lastError = nil
        apply.kafka = .init(partitions: [
            .init(topic: "sluice.shop.orders", partition: 0, committed: 1200, end: 1250, lag: 50),
            .init(topic: "sluice.shop.orders", partition: 1, committed: nil, end: 7, lag: 7),
        ])
        #expect(StatusTable.render(apply, now: now) == """
            source     mysql://sluice:***@127.0.0.1:3307?tls=preferred (server id 1, reading as 4242)
            position   none saved yet
            lag        250 ms, 1.5 KiB of binlog
            freshness  p50 45 ms, p99 180 ms (last 3 transactions)
            kafka      consumer lag 57 messages over 2 partitions owned
            ready      yes

            topic               partition  committed   end  lag
            sluice.shop.orders          0       1200  1250   50
            sluice.shop.orders          1          -     7    7

            last error none

            """)
        var capture = status()
        capture.kafka = .init(produced: 1_204_363, unconfirmed: 12)
        #expect(StatusTable.render(capture, now: now).contains("kafka      1,204,363 messages produced, 12 not confirmed yet\n"))
    }

    @Test func aFreshInstanceSaysWhatItLacks() {
        var fresh = status()
        fresh.position = nil
        fresh.freshness = nil
        fresh.lag = .init(seconds: 0, bytes: nil)
        fresh.tables = []
        fresh.lastError = nil
        fresh.snapshot = .init(tablesDone: 1, tablesTotal: 3)
        fresh.ready = false
        fresh.notReady = ["the initial snapshot is running: 1 of 3 tables copied"]
        #expect(StatusTable.render(fresh, now: now) == """
            source     mysql://sluice:***@127.0.0.1:3307?tls=preferred (server id 1, reading as 4242)
            position   none saved yet
            lag        0 ms
            freshness  no transaction acknowledged yet
            snapshot   running: 1 of 3 tables copied
            ready      no: the initial snapshot is running: 1 of 3 tables copied

            last error none

            """)
    }

    @Test func afterAFailoverTheSourceLineNamesTheServerRead() {
        var failedOver = status()
        failedOver.source.inUse = "mysql://sluice:***@127.0.0.1:3308?tls=preferred"
        failedOver.source.sourceServerID = 2
        let expected = "source     mysql://sluice:***@127.0.0.1:3308?tls=preferred (server id 2, reading as 4242), "
            + "failed over from mysql://sluice:***@127.0.0.1:3307?tls=preferred"
        #expect(StatusTable.render(failedOver, now: now).components(separatedBy: "\n").first == expected)
    }

    @Test func durationsAndSizesAreShortAndExact() {
        #expect(StatusTable.duration(0.0423) == "42 ms")
        #expect(StatusTable.duration(3.25) == "3.2 s")
        #expect(StatusTable.duration(754) == "12m 34s")
        #expect(StatusTable.duration(7384) == "2h 3m")
        #expect(StatusTable.bytes(1023) == "1023 bytes")
        #expect(StatusTable.bytes(5 << 20) == "5.0 MiB")
        #expect(StatusTable.count(0) == "0")
        #expect(StatusTable.count(1_000) == "1,000")
        #expect(StatusTable.count(12_345_678) == "12,345,678")
    }

    @Test func theStatusSurvivesItsJSON() throws {
        let data = try PipelineStatus.encoder().encode(status())
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""server_id":4242"#))
        #expect(text.contains(#""gtid_set":"0-1-1234""#))
        #expect(try PipelineStatus.decoder().decode(PipelineStatus.self, from: data) == status())
    }

    @Test func theTokenMustMatchExactly() {
        #expect(BearerTokenMiddleware.matches("Bearer abc", expected: "Bearer abc"))
        #expect(!BearerTokenMiddleware.matches("Bearer abd", expected: "Bearer abc"))
        #expect(!BearerTokenMiddleware.matches("Bearer ab", expected: "Bearer abc"))
        #expect(!BearerTokenMiddleware.matches("Bearer abcd", expected: "Bearer abc"))
        #expect(!BearerTokenMiddleware.matches("", expected: "Bearer abc"))
    }
}
