import Binlog
import NIOCore

/// The mapping Sluice gives an index it creates: one field per column, typed from the column's
/// MySQL type so that the values of DESIGN.md's column-value table index without surprises.
///
/// Choices, in a sentence each (README-ready):
/// - Integers map to `long`, whatever their width, so widening a column later (`INT` to `BIGINT`)
///   needs no new index; `BIGINT UNSIGNED` and `BIT(64)` map to `unsigned_long` (Elasticsearch
///   7.10+, OpenSearch 2.8+; `double` before, which accepts every value but is approximate above 2⁵³).
/// - `DECIMAL(p,0)` with p ≤ 18 maps to `long` and other `DECIMAL(p,s)` with p ≤ 15 to
///   `scaled_float` with `scaling_factor` 10ˢ, both exact; wider decimals map to `double`,
///   approximate in searches and aggregations, while `_source` keeps the exact literal.
/// - `DATE` maps to `date` with format `strict_date`; `DATETIME` and `TIMESTAMP` to `date` with
///   `strict_date_optional_time`, which reads up to nine fraction digits and the `Z`; a `date`
///   field keeps milliseconds, so microseconds are cut in searches but kept in `_source`
///   (`date_nanos` would keep them but cannot hold dates before 1970, which `DATETIME` can).
/// - `TIME` maps to `keyword` (it is a duration that can exceed 24 hours, not a time of day),
///   `YEAR` to `short`, `ENUM` and `SET` to `keyword`.
/// - Text maps to `text` with a `keyword` sub-field (`ignore_above: 256`); binary strings and
///   BLOBs (binary collation, or a BLOB-family column whose collation is unknown) to `binary`.
/// - `JSON` maps to an object with `enabled: false`: a JSON column may hold an object, an array
///   or a scalar, and differently shaped values across rows would clash in any indexed mapping,
///   so the value is kept in `_source`, retrievable but not searchable.
/// - `GEOMETRY` maps to `geo_shape`, which expects longitude/latitude (WGS 84) coordinates.
/// - `VECTOR(n)` maps to `dense_vector` (Elasticsearch, n ≤ 4096) or `knn_vector` (OpenSearch,
///   n ≤ 16000); a vector whose dimension is unknown or above those limits gets no mapping.
///
/// Columns of other types (none that MySQL or MariaDB tables use today) get no mapping, and
/// dynamic mapping types them on first use.
public struct IndexMapping: Sendable {
    /// The fields, in column order; columns without a mapping are left out.
    public var fields: [(name: String, mapping: FieldMapping)]

    public init(columns: [(name: String, column: ColumnDescriptor)], server: ServerInfo) {
        self.fields = columns.compactMap { name, column in
            Self.mapping(for: column, server: server).map { (name, $0) }
        }
    }

    /// `{"properties":{…}}`, the body ``ElasticsearchClient/ensureIndex(_:mappings:)`` takes.
    public var json: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString(#"{"properties":{"#)
        for (index, field) in self.fields.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeJSONKey(field.name)
            field.mapping.write(into: &buffer)
        }
        buffer.writeStaticString("}}")
        return buffer
    }

    static let maximumDenseVectorDimensions: UInt32 = 4096
    static let maximumKNNVectorDimension: UInt32 = 16000
    /// The `binary` collation id; other collations mean text.
    static let binaryCollation: UInt16 = 63

    /// The mapping for one column, or nil to leave it to dynamic mapping.
    public static func mapping(for column: ColumnDescriptor, server: ServerInfo) -> FieldMapping? {
        let wideUnsigned: FieldMapping = server.supportsUnsignedLong ? .unsignedLong : .double
        switch column.type {
        case .tiny, .short, .int24, .long:
            return .long
        case .longlong:
            return column.isUnsigned ? wideUnsigned : .long
        case .bit:
            // The metadata is the width in bits.
            return column.metadata < 64 ? .long : wideUnsigned
        case .float:
            return .float
        case .double:
            return .double
        case .newdecimal:
            let precision = column.metadata >> 8
            let scale = column.metadata & 0xFF
            if scale == 0, precision <= 18 { return .long }
            // Up to 15 significant digits survive the double that Elasticsearch parses through,
            // and value × 10^scale then stays far inside a long.
            if precision <= 15 { return .scaledFloat(scalingFactor: Self.powerOfTen(Int(scale))) }
            return .double
        case .decimal:
            // The pre-5.0 DECIMAL, whose metadata gives no precision.
            return .double
        case .date, .newdate:
            return .date(format: "strict_date")
        case .datetime, .datetime2, .timestamp, .timestamp2:
            return .date(format: "strict_date_optional_time")
        case .time, .time2:
            return .keyword
        case .year:
            return .short
        case .enum, .set:
            return .keyword
        case .json:
            return .unindexed
        case .varchar, .varString, .string, .tinyBlob, .mediumBlob, .longBlob, .blob:
            if column.isJSONText { return .unindexed }
            // The same rule the decoder uses to choose between a string and base64 bytes.
            let isBinary =
                column.collation == Self.binaryCollation
                || (column.collation == nil && [.tinyBlob, .mediumBlob, .longBlob, .blob].contains(column.type))
            return isBinary ? .binary : .text
        case .geometry:
            return .geoShape
        case .vector:
            guard let dimensions = column.vectorDimension, dimensions > 0 else { return nil }
            switch server.distribution {
            case .elasticsearch:
                return dimensions <= Self.maximumDenseVectorDimensions ? .denseVector(dimensions: dimensions) : nil
            case .opensearch:
                return dimensions <= Self.maximumKNNVectorDimension ? .knnVector(dimension: dimensions) : nil
            }
        case .null, .typedArray, .invalid, .bool:
            return nil
        }
    }

    private static func powerOfTen(_ exponent: Int) -> UInt64 {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }
}
