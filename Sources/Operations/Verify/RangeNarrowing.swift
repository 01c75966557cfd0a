/// Finds the documents that differ between the table's side and the index's side by comparing
/// checksums over ranges of ids and splitting only the ranges whose checksums differ, down to
/// single ids.
///
/// Both sides are sorted by id (UTF-8 byte order) first, so the order each side was read in
/// (MySQL's collation, the index's sort) does not matter. A range's checksum is the wrapping sum
/// of its digests' hashes plus its size, so equal ranges cost one comparison however large.
public struct RangeNarrowing: Sendable {
    /// Ids the table has and the index lacks, sorted.
    public var missing: [String] = []
    /// Ids the index has and the table lacks, sorted.
    public var extra: [String] = []
    /// Ids both have with different contents, sorted.
    public var different: [String] = []
    /// How many range checksums were compared (for tests and benchmarks).
    public var comparisons = 0

    /// Compares the two sides; each may be in any order and must not repeat an id.
    public init(table: [DocumentDigest], index: [DocumentDigest]) {
        let byID: (DocumentDigest, DocumentDigest) -> Bool = { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        let left = table.sorted(by: byID)
        let right = index.sorted(by: byID)
        narrow(left[...], right[...])
    }

    /// The checksum of a range of digests.
    static func checksum(_ digests: ArraySlice<DocumentDigest>) -> UInt64 {
        digests.reduce(UInt64(truncatingIfNeeded: digests.count)) { $0 &+ $1.hash }
    }

    /// Both slices hold the ids of one id range (everything below the range's upper bound and
    /// at or above its lower bound); equal checksums settle it, else it is split at the middle id.
    private mutating func narrow(_ left: ArraySlice<DocumentDigest>, _ right: ArraySlice<DocumentDigest>) {
        comparisons += 1
        if left.count == right.count, Self.checksum(left) == Self.checksum(right),
           left.first?.id == right.first?.id, left.last?.id == right.last?.id
        {
            return
        }
        if left.count + right.count <= 2 {
            settle(left, right)
            return
        }
        // Split on the middle id of the larger side; the other side splits at the same id.
        let (larger, smaller) = left.count >= right.count ? (left, right) : (right, left)
        let pivot = larger[larger.startIndex + larger.count / 2].id
        let largerCut = larger.startIndex + larger.count / 2
        let smallerCut = smaller.firstIndex { !$0.id.utf8.lexicographicallyPrecedes(pivot.utf8) } ?? smaller.endIndex
        if left.count >= right.count {
            narrow(larger[..<largerCut], smaller[..<smallerCut])
            narrow(larger[largerCut...], smaller[smallerCut...])
        } else {
            narrow(smaller[..<smallerCut], larger[..<largerCut])
            narrow(smaller[smallerCut...], larger[largerCut...])
        }
    }

    /// At most two digests, of at most two ids: classify them.
    private mutating func settle(_ left: ArraySlice<DocumentDigest>, _ right: ArraySlice<DocumentDigest>) {
        for digest in left {
            if let other = right.first(where: { $0.id == digest.id }) {
                if other.hash != digest.hash { different.append(digest.id) }
            } else {
                missing.append(digest.id)
            }
        }
        for digest in right where !left.contains(where: { $0.id == digest.id }) {
            extra.append(digest.id)
        }
    }
}
