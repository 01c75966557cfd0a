import Binlog
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

    /// Bytes the write holds while queued, near enough for batching and the in-flight bound: its
    /// part of a bulk body, and the change kept for the dead-letter file (an optional value a column
    /// per image, and text about as long as in the document). Counting the body alone let the
    /// queue hold several times `max_bytes_in_flight` in memory (measured with `scripts/bench-memory`).
    var byteCount: Int {
        let body = (source?.readableBytes ?? 0) + index.utf8.count + id.utf8.count + 64
        let images = (change.before == nil ? 0 : 1) + (change.after == nil ? 0 : 1)
        return body + (source?.readableBytes ?? 0) + images * (32 + change.columns.count * MemoryLayout<ColumnValue?>.stride)
    }
}

/// A document's identity: two writes with equal keys must reach the index in order.
struct DocumentKey: Hashable, Sendable {
    var index: String
    var id: String
}
