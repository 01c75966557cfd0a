import Elasticsearch

/// Reads an index's documents as digests: all of them with a scroll, or some of them by id.
///
/// The full read is a scroll in `_doc` order rather than `search_after` on the key fields:
/// `RangeNarrowing` sorts both sides itself, and a sorted search costs the server a sort of the
/// whole index on every page (the ES-API stand-in read 17k documents/s that way, 100k by scroll).
struct IndexReader: Sendable {
    let client: ElasticsearchClient
    let index: String
    let pageSize: Int

    /// Makes recent writes visible to reads, when the index exists (a missing one holds no documents).
    func refresh() async throws {
        guard try await client.fieldTypes(index: index) != nil else { return }
        try await client.refresh(index: index)
    }

    /// Every document's digest; none when the index does not exist.
    func digests() async throws -> [DocumentDigest] {
        guard try await client.fieldTypes(index: index) != nil else { return [] }
        var digests: [DocumentDigest] = []
        let collect: ([StoredDocument]) async throws -> Void = { page in
            for document in page {
                digests.append(DocumentDigest(id: document.id, hash: CanonicalDocument.hash(id: document.id, source: document.source)))
            }
        }
        try await client.scan(index: index, pageSize: pageSize, collect)
        return digests
    }

    /// The digests and versions of the documents with these ids that the index holds.
    func digests(ids: [String]) async throws -> [(digest: DocumentDigest, version: UInt64?)] {
        guard try await client.fieldTypes(index: index) != nil else { return [] }
        var digests: [(digest: DocumentDigest, version: UInt64?)] = []
        for start in stride(from: 0, to: ids.count, by: pageSize) {
            let batch = Array(ids[start..<min(start + pageSize, ids.count)])
            for document in try await client.documents(index: index, ids: batch) {
                digests.append((DocumentDigest(id: document.id, hash: CanonicalDocument.hash(id: document.id, source: document.source)), document.version))
            }
        }
        return digests
    }
}
