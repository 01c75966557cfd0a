import Elasticsearch

/// Whether an existing index's field types can hold the values Sluice writes for the columns:
/// the type Sluice would give the field itself (``IndexMapping``), or one that accepts the same
/// JSON values.
enum MappingCompatibility {
    /// Types that accept what a field of the derived mapping gets.
    static func accepted(for mapping: FieldMapping) -> Set<String> {
        let numbers: Set<String> = ["long", "unsigned_long", "double", "float", "half_float", "scaled_float", "keyword", "text"]
        switch mapping {
        case .long, .unsignedLong, .short: return numbers.union(["integer", "short", "byte"])
        case .float, .double, .scaledFloat: return numbers
        case .date: return ["date", "date_nanos", "keyword", "text"]
        case .keyword, .text: return ["keyword", "text", "match_only_text", "wildcard", "constant_keyword"]
        case .binary: return ["binary", "keyword", "text"]
        case .unindexed: return ["object", "flattened", "flat_object"]
        case .geoShape: return ["geo_shape", "shape"]
        case .denseVector: return ["dense_vector"]
        case .knnVector: return ["knn_vector"]
        }
    }

    /// The mapping type name Sluice would write, for messages.
    static func name(_ mapping: FieldMapping) -> String {
        switch mapping {
        case .long: "long"
        case .unsignedLong: "unsigned_long"
        case .short: "short"
        case .float: "float"
        case .double: "double"
        case .scaledFloat: "scaled_float"
        case .date: "date"
        case .keyword: "keyword"
        case .text: "text"
        case .binary: "binary"
        case .unindexed: "object (enabled: false)"
        case .geoShape: "geo_shape"
        case .denseVector: "dense_vector"
        case .knnVector: "knn_vector"
        }
    }

    /// `field: has T, needs U` for each field whose existing type cannot hold its values. A field
    /// the index does not map yet is fine: dynamic mapping or a template types it.
    static func conflicts(expected: IndexMapping, actual: [String: String]) -> [String] {
        expected.fields.compactMap { field in
            guard let type = actual[field.name], !accepted(for: field.mapping).contains(type) else { return nil }
            return "\(field.name): has \(type), needs \(name(field.mapping))"
        }
    }
}
