import Elasticsearch

/// Reads an index's documents as digests: all of them, paged in key order with `search_after`
/// when the key fields can be sorted on, else with a scroll; or some of them by id.
struct IndexReader: Sendable {
    let client: ElasticsearchClient
    let index: String
    let pageSize: Int

    /// Mapping types Elasticsearch and OpenSearch sort on without fielddata.
    static let sortableTypes: Set<String> = [
        "long", "integer", "short", "byte", "unsigned_long", "double", "float", "half_float", "scaled_float",
        "date", "date_nanos", "keyword", "boolean",
    ]

    /// The fields to page on: the id's fields when all of them are mapped with a sortable type.
    static func sortFields(idFields: [String]?, types: [String: String]) -> [String]? {
        guard let idFields, !idFields.isEmpty, idFields.allSatisfy({ types[$0].map(sortableTypes.contains) ?? false }) else { return nil }
        return idFields
    }

    /// Makes recent writes visible to reads, when the index exists (a missing one holds no documents).
    func refresh() async throws {
        guard try await client.fieldTypes(index: index) != nil else { return }
        try await client.refresh(index: index)
    }

    /// Every document's digest; none when the index does not exist.
    func digests(idFields: [String]?) async throws -> [DocumentDigest] {
        guard let types = try await client.fieldTypes(index: index) else { return [] }
        var digests: [DocumentDigest] = []
        let collect: ([StoredDocument]) async throws -> Void = { page in
            for document in page {
                digests.append(DocumentDigest(id: document.id, hash: CanonicalDocument.hash(id: document.id, source: document.source)))
            }
        }
        if let fields = Self.sortFields(idFields: idFields, types: types) {
            try await client.searchAfter(index: index, sortFields: fields, pageSize: pageSize, collect)
        } else {
            try await client.scan(index: index, pageSize: pageSize, collect)
        }
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
