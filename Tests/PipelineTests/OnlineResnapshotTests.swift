import ChangeCapture
import Positions
import Testing

@testable import Pipeline

/// The watermark windows of an online re-snapshot, with known positions and documents.
@Suite struct OnlineResnapshotTests {
    let change = RowChange(
        operation: .insert, database: "d", table: "t", columns: ColumnLayout(["id"]), keyColumns: [0],
        before: nil, after: [.int(1)], position: ChangePosition(file: "b.000001", offset: 4, gtid: nil), timestamp: 0
    )

    func writes(_ ids: String...) -> [DocumentWrite] {
        ids.map { DocumentWrite(index: "i", id: $0, version: 1, source: nil, change: change) }
    }

    func at(_ file: String, _ offset: UInt64) -> ReplicationPosition { ReplicationPosition(file: file, offset: offset) }

    @Test func aChunkWaitsForTheHighWatermarkAndLeavesOutWhatTheStreamChanged() {
        var resnapshot = OnlineResnapshot(progress: nil)
        resnapshot.request(["d.t", "d.u"])
        #expect(resnapshot.nextChunk?.table == "d.t")
        #expect(resnapshot.nextChunk?.after == nil)
        resnapshot.open(high: at("b.000002", 500), writes: writes("1", "2", "3"), lastKey: ["3"])
        #expect(resnapshot.nextChunk == nil, "one chunk at a time")
        #expect(resnapshot.close(at: at("b.000002", 499)) == nil)
        #expect(resnapshot.close(at: at("b.000001", 900)) == nil, "an earlier file is before, whatever its offset")
        // Queued before the watermark was reached: the progress still says nothing of this chunk.
        #expect(resnapshot.progress == ResnapshotProgress(tables: ["d.t", "d.u"]))
        resnapshot.observe(writes("2", "9"))
        let queued = resnapshot.close(at: at("b.000002", 500))
        #expect(queued?.map(\.id) == ["1", "3"])
        #expect(resnapshot.progress == ResnapshotProgress(tables: ["d.t", "d.u"], lastKey: ["3"]))
        #expect(resnapshot.nextChunk?.after == ["3"])
    }

    @Test func theLastChunkOfTheLastTableEndsTheResnapshot() {
        var resnapshot = OnlineResnapshot(progress: ResnapshotProgress(tables: ["d.t", "d.u"], lastKey: ["7"]))
        resnapshot.open(high: at("b.000003", 4), writes: writes("8"), lastKey: nil)
        #expect(resnapshot.close(at: at("b.000003", 4))?.map(\.id) == ["8"])
        #expect(resnapshot.progress == ResnapshotProgress(tables: ["d.u"]))
        resnapshot.open(high: at("b.000003", 4), writes: [], lastKey: nil)
        resnapshot.observe(writes("8"))
        #expect(resnapshot.close(at: at("b.000004", 4))?.isEmpty == true)
        #expect(resnapshot.progress == nil)
        #expect(resnapshot.nextChunk == nil)
    }

    @Test func documentsWrittenBeforeTheWindowOpenedAreNotLeftOut() {
        var resnapshot = OnlineResnapshot(progress: ResnapshotProgress(tables: ["d.t"]))
        resnapshot.observe(writes("1"))
        resnapshot.open(high: at("b.000001", 10), writes: writes("1"), lastKey: ["1"])
        #expect(resnapshot.close(at: at("b.000001", 10))?.map(\.id) == ["1"])
    }

    @Test func aTableAskedForAgainKeepsItsPlace() {
        var resnapshot = OnlineResnapshot(progress: ResnapshotProgress(tables: ["d.t", "d.u"], lastKey: ["5"]))
        resnapshot.request(["d.u", "d.t", "d.v"])
        #expect(resnapshot.progress == ResnapshotProgress(tables: ["d.t", "d.u", "d.v"], lastKey: ["5"]))
    }

    @Test func requestsNameSelectedTables() throws {
        let requests = ResnapshotRequests(filter: try TableFilter(include: [#"shop\..*"#]))
        #expect(throws: PipelineError.self) { try requests.request(["orders"]) }
        #expect(throws: PipelineError.self) { try requests.request(["other.orders"]) }
        try requests.request(["shop.orders"])
        #expect(requests.take() == ["shop.orders"])
        #expect(requests.take() == [])
    }
}
