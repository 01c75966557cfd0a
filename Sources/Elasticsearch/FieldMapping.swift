import Binlog
import NIOCore

/// One field's mapping, as ``IndexMapping`` derives it from a column.
public enum FieldMapping: Sendable, Equatable {
    case long
    case unsignedLong
    case short
    case float
    case double
    /// A `scaled_float`: stored as the long `value × scalingFactor`.
    case scaledFloat(scalingFactor: UInt64)
    case date(format: String)
    case keyword
    /// Full-text `text` with a `keyword` sub-field for exact match, sorting and aggregation,
    /// like Elasticsearch's dynamic mapping of strings.
    case text
    case binary
    /// Kept in `_source` but not parsed or indexed, so any JSON value fits (`enabled: false`).
    case unindexed
    case geoShape
    /// Elasticsearch's `dense_vector`.
    case denseVector(dimensions: UInt32)
    /// OpenSearch's `knn_vector`.
    case knnVector(dimension: UInt32)

    /// Strings longer than this are left out of the `keyword` sub-field of ``text``.
    public static let keywordIgnoreAbove = 256

    /// Appends the mapping object, e.g. `{"type":"long"}`.
    public func write(into buffer: inout ByteBuffer) {
        switch self {
        case .long:
            buffer.writeStaticString(#"{"type":"long"}"#)
        case .unsignedLong:
            buffer.writeStaticString(#"{"type":"unsigned_long"}"#)
        case .short:
            buffer.writeStaticString(#"{"type":"short"}"#)
        case .float:
            buffer.writeStaticString(#"{"type":"float"}"#)
        case .double:
            buffer.writeStaticString(#"{"type":"double"}"#)
        case .scaledFloat(let scalingFactor):
            buffer.writeStaticString(#"{"type":"scaled_float","scaling_factor":"#)
            buffer.writeJSONNumber(scalingFactor)
            buffer.writeStaticString("}")
        case .date(let format):
            buffer.writeStaticString(#"{"type":"date","format":"#)
            buffer.writeJSONString(format)
            buffer.writeStaticString("}")
        case .keyword:
            buffer.writeStaticString(#"{"type":"keyword"}"#)
        case .text:
            buffer.writeStaticString(#"{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":"#)
            buffer.writeJSONNumber(Int64(Self.keywordIgnoreAbove))
            buffer.writeStaticString("}}}")
        case .binary:
            buffer.writeStaticString(#"{"type":"binary"}"#)
        case .unindexed:
            buffer.writeStaticString(#"{"type":"object","enabled":false}"#)
        case .geoShape:
            buffer.writeStaticString(#"{"type":"geo_shape"}"#)
        case .denseVector(let dimensions):
            buffer.writeStaticString(#"{"type":"dense_vector","dims":"#)
            buffer.writeJSONNumber(UInt64(dimensions))
            buffer.writeStaticString("}")
        case .knnVector(let dimension):
            buffer.writeStaticString(#"{"type":"knn_vector","dimension":"#)
            buffer.writeJSONNumber(UInt64(dimension))
            buffer.writeStaticString("}")
        }
    }
}
