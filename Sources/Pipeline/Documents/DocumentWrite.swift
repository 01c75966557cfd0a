import ChangeCapture
import Elasticsearch
import NIOCore

/// One write to the index: a whole document, or its deletion, at the change's version.
public struct DocumentWrite: Sendable {
    public var index: String
    public var id: String
    public var version: UInt64
    /// The document's JSON; nil for a delete.
    public var source: ByteBuffer?
    /// The change it comes from, for the dead-letter file.
    public var change: RowChange

    var key: DocumentKey { DocumentKey(index: index, id: id) }

    public var operation: BulkOperation {
        if let source {
            .index(index: index, id: id, version: version, source: source)
        } else {
            .delete(index: index, id: id, version: version)
        }
    }

    /// Bytes the write takes in a bulk body, near enough for batching and the in-flight bound.
    var byteCount: Int { (source?.readableBytes ?? 0) + index.utf8.count + id.utf8.count + 64 }
}

/// A document's identity: two writes with equal keys must reach the index in order.
struct DocumentKey: Hashable, Sendable {
    var index: String
    var id: String
}
