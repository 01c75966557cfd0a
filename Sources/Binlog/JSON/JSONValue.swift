/// A JSON document as MySQL's binary JSON format holds it.
///
/// Objects keep their keys in stored order, so output is deterministic and replays give equal bytes.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])
    /// A MySQL-specific scalar (DECIMAL, DATE, TIME, DATETIME, a blob…) stored opaque inside JSON:
    /// its field type and raw bytes.
    case opaque(type: ColumnType, bytes: [UInt8])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.int(a), .int(b)): a == b
        case let (.uint(a), .uint(b)): a == b
        case let (.double(a), .double(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.opaque(t1, b1), .opaque(t2, b2)): t1 == t2 && b1 == b2
        default: false
        }
    }
}
