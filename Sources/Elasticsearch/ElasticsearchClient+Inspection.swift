import Binlog
import NIOCore

/// The reads that `sluice doctor` and `sluice verify` need: cluster health, an index's field
/// types, and documents by id.
extension ElasticsearchClient {
    /// The cluster's health status: `green`, `yellow` or `red` (`GET /_cluster/health`).
    public func clusterHealth() async throws -> String {
        let response = try await self.send(.GET, "/_cluster/health")
        try response.expectSuccess()
        guard let status = try response.decodeJSON()["status"]?.stringValue else {
            throw response.context(ElasticsearchError(.malformedResponse, "the cluster health reply has no status"))
        }
        return status
    }

    /// The top-level fields of an index (or of the first index an alias names) and their mapping
    /// types (`long`, `text`, …; `object` for an object without a type); nil when no such index exists.
    public func fieldTypes(index: String) async throws -> [String: String]? {
        let response = try await self.send(.GET, "/\(Self.pathSegment(index))/_mapping")
        if response.status == 404 { return nil }
        try response.expectSuccess()
        guard case .object(let indices) = try response.decodeJSON(), let first = indices.first?.value else { return nil }
        guard case .object(let properties)? = first["mappings"]?["properties"] else { return [:] }
        var types: [String: String] = [:]
        for (name, field) in properties {
            types[name] = field["type"]?.stringValue ?? "object"
        }
        return types
    }

    /// The documents with these ids that the index holds (`_mget`), in no particular order; ids it
    /// does not hold are left out.
    public func documents(index: String, ids: [String]) async throws -> [StoredDocument] {
        guard !ids.isEmpty else { return [] }
        var body = ByteBuffer()
        body.writeStaticString(#"{"ids":["#)
        for (position, id) in ids.enumerated() {
            if position > 0 { body.writeInteger(UInt8(ascii: ",")) }
            body.writeJSONString(id)
        }
        body.writeStaticString("]}")
        let response = try await self.send(.POST, "/\(Self.pathSegment(index))/_mget", body: body)
        try response.expectSuccess()
        guard let docs = try response.decodeJSON()["docs"]?.arrayValue else {
            throw response.context(ElasticsearchError(.malformedResponse, "the _mget reply has no docs"))
        }
        return docs.compactMap { doc in doc["found"]?.boolValue == true ? StoredDocument(hit: doc) : nil }
    }
}

extension ElasticsearchClient.Response {
    /// A search reply's hits, each as a document.
    func searchHits(_ reply: JSON) throws(ElasticsearchError) -> [StoredDocument] {
        guard let hits = reply["hits"]?["hits"]?.arrayValue else {
            throw self.context(ElasticsearchError(.malformedResponse, "the search reply has no hits"))
        }
        var documents: [StoredDocument] = []
        documents.reserveCapacity(hits.count)
        for hit in hits {
            guard let document = StoredDocument(hit: hit) else {
                throw self.context(ElasticsearchError(.malformedResponse, "a search hit has no _id"))
            }
            documents.append(document)
        }
        return documents
    }
}
