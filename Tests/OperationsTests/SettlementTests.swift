import Testing

@testable import Operations

@Suite struct SettlementTests {
    private func row(_ id: String, _ hash: UInt64) -> DocumentDigest { DocumentDigest(id: id, hash: hash) }

    @Test func judgesOnlyDocumentsUpToTheSnapshotsVersion() {
        let settled = Settlement(
            ids: ["equal", "changed", "moved", "stray", "newer stray", "absent", "gone"],
            rows: [row("equal", 1), row("changed", 2), row("moved", 3), row("absent", 4)],
            documents: [
                (row("equal", 1), 90),
                (row("changed", 20), 100),      // at the snapshot's version, and different: real
                (row("moved", 30), 101),        // written after the snapshot: the stream keeps it
                (row("stray", 5), 50),          // no row, old version: real extra
                (row("newer stray", 6), 150),   // inserted after the snapshot
            ],
            snapshotVersion: 100
        )
        #expect(settled.different == ["changed"])
        #expect(settled.extra == ["stray"])
        #expect(settled.missing == ["absent"])
        #expect(settled.moved == 2)
    }

    @Test func aDocumentWithoutAVersionIsJudged() {
        let settled = Settlement(ids: ["1"], rows: [row("1", 1)], documents: [(row("1", 2), nil)], snapshotVersion: 100)
        #expect(settled.different == ["1"])
    }
}
