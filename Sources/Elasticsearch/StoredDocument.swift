/// A document as Elasticsearch holds it.
public struct StoredDocument: Sendable, Equatable {
    public var id: String
    /// The document's version: with external versions, the version of the write that won.
    public var version: UInt64?
    /// `_source`, exactly as it was indexed; nil if the index does not keep sources.
    public var source: JSON?

    public init(id: String, version: UInt64?, source: JSON?) {
        self.id = id
        self.version = version
        self.source = source
    }

    /// Reads a hit of a search or the reply of a get.
    init?(hit: JSON) {
        guard let id = hit["_id"]?.stringValue else { return nil }
        self.init(id: id, version: hit["_version"]?.uint64Value, source: hit["_source"])
    }
}
