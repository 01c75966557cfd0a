import Testing

@testable import Operations

@Suite struct RangeNarrowingTests {
    private func digests(_ pairs: [(String, UInt64)]) -> [DocumentDigest] {
        pairs.map { DocumentDigest(id: $0.0, hash: $0.1) }
    }

    @Test func equalSidesCostOneComparison() {
        let side = digests((1...1000).map { ("\($0)", UInt64($0) &* 2_654_435_761) })
        let found = RangeNarrowing(table: side, index: side.reversed())
        #expect(found.missing.isEmpty && found.extra.isEmpty && found.different.isEmpty)
        #expect(found.comparisons == 1)
    }

    @Test func narrowsToTheSingleIdsThatDiffer() {
        var table = (1...1000).map { ("\($0)", UInt64($0)) }
        var index = table
        index.removeAll { $0.0 == "17" }          // missing from the index
        index.append(("1001", 1001))              // extra in the index
        index[index.firstIndex { $0.0 == "500" }!].1 = 9  // different contents
        table.shuffle()
        let found = RangeNarrowing(table: digests(table), index: digests(index))
        #expect(found.missing == ["17"])
        #expect(found.extra == ["1001"])
        #expect(found.different == ["500"])
        // Only the ranges around three ids are split: far fewer comparisons than ids.
        #expect(found.comparisons < 100)
    }

    @Test func sortsIdsByBytesNotByNumber() {
        let found = RangeNarrowing(table: digests([("10", 1), ("9", 2), ("a", 3)]), index: digests([("9", 2), ("b", 4)]))
        #expect(found.missing == ["10", "a"])
        #expect(found.extra == ["b"])
        #expect(found.different.isEmpty)
    }

    @Test func emptySides() {
        let onlyTable = RangeNarrowing(table: digests([("1", 1), ("2", 2)]), index: [])
        #expect(onlyTable.missing == ["1", "2"])
        let onlyIndex = RangeNarrowing(table: [], index: digests([("1", 1)]))
        #expect(onlyIndex.extra == ["1"])
        let neither = RangeNarrowing(table: [], index: [])
        #expect(neither.missing.isEmpty && neither.extra.isEmpty && neither.comparisons == 1)
    }
}
