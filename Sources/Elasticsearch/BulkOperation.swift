import Binlog
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One write in a `_bulk` request, applied with `version_type=external`: Elasticsearch keeps it
/// only if `version` is higher than the document's current version (or tombstone's, for a
/// recently deleted document).
///
/// Version 0 (which no change of the source history gets) writes without a version: the last
/// write wins. `sluice apply` uses it for messages that carry no version, such as canal's.
public enum BulkOperation: Sendable, Equatable {
    /// Creates or replaces a document. `source` is a complete JSON object, rendered by the caller.
    case index(index: String, id: String, version: UInt64, source: ByteBuffer)
    case delete(index: String, id: String, version: UInt64)

    public var index: String {
        switch self {
        case .index(let index, _, _, _), .delete(let index, _, _): index
        }
    }

    public var id: String {
        switch self {
        case .index(_, let id, _, _), .delete(_, let id, _): id
        }
    }

    public var version: UInt64 {
        switch self {
        case .index(_, _, let version, _), .delete(_, _, let version): version
        }
    }

    var isDelete: Bool {
        if case .delete = self { return true }
        return false
    }

    /// Elasticsearch refuses ids over 512 bytes.
    static let maximumIDLength = 512

    /// Why Elasticsearch would refuse this operation before looking at it, if it would.
    ///
    /// Elasticsearch checks these for the whole request and fails all of it with a 400, so
    /// one bad operation would hold back every other; the client refuses it alone instead.
    var validationFailure: String? {
        if self.index.isEmpty { return "the index name is empty" }
        if self.id.isEmpty { return "the document id is empty" }
        if self.id.utf8.count > Self.maximumIDLength {
            return "the document id is \(self.id.utf8.count) bytes long; Elasticsearch allows \(Self.maximumIDLength)"
        }
        if self.version > UInt64(Int64.max) {
            return "version \(self.version) is above the largest external version, \(Int64.max)"
        }
        return nil
    }

    /// Appends this operation's NDJSON lines: the action line and, for `index`, the source.
    public func writeNDJSON(into buffer: inout ByteBuffer) {
        switch self {
        case .index(let index, let id, let version, let source):
            buffer.writeStaticString(#"{"index":{"_index":"#)
            Self.writeTarget(index: index, id: id, version: version, into: &buffer)
            Self.writeSourceLine(source, into: &buffer)
        case .delete(let index, let id, let version):
            buffer.writeStaticString(#"{"delete":{"_index":"#)
            Self.writeTarget(index: index, id: id, version: version, into: &buffer)
        }
    }

    private static func writeTarget(index: String, id: String, version: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeJSONString(index)
        buffer.writeStaticString(#","_id":"#)
        buffer.writeJSONString(id)
        if version == 0 {
            buffer.writeStaticString("}}")
        } else {
            buffer.writeStaticString(#","version":"#)
            buffer.writeJSONNumber(version)
            buffer.writeStaticString(#","version_type":"external"}}"#)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// Writes the source on one line. A raw line feed can only be whitespace in valid JSON (inside
    /// strings it must be escaped), so any there, e.g. from pretty-printed JSON text a column held,
    /// become spaces instead of splitting the document across NDJSON lines.
    private static func writeSourceLine(_ source: ByteBuffer, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex - buffer.readerIndex
        buffer.writeImmutableBuffer(source)
        // memchr rather than the buffer view's element-by-element search (measured: that search was
        // about 5% of building bulk bodies).
        let hasLineFeed = source.withUnsafeReadableBytes { bytes in
            bytes.baseAddress.map { memchr($0, Int32(UInt8(ascii: "\n")), bytes.count) != nil } ?? false
        }
        if hasLineFeed {
            buffer.withUnsafeMutableReadableBytes { bytes in
                for offset in start..<bytes.count where bytes[offset] == UInt8(ascii: "\n") {
                    bytes[offset] = UInt8(ascii: " ")
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }
}
