/// A column type code as MySQL writes it in TABLE_MAP events (`enum_field_types`).
public enum ColumnType: UInt8, Sendable, Hashable, CustomStringConvertible {
    case decimal = 0
    case tiny = 1
    case short = 2
    case long = 3
    case float = 4
    case double = 5
    case null = 6
    case timestamp = 7
    case longlong = 8
    case int24 = 9
    case date = 10
    case time = 11
    case datetime = 12
    case year = 13
    case newdate = 14
    case varchar = 15
    case bit = 16
    case timestamp2 = 17
    case datetime2 = 18
    case time2 = 19
    case typedArray = 20
    case vector = 242
    case invalid = 243
    case bool = 244
    case json = 245
    case newdecimal = 246
    case `enum` = 247
    case set = 248
    case tinyBlob = 249
    case mediumBlob = 250
    case longBlob = 251
    case blob = 252
    case varString = 253
    case string = 254
    case geometry = 255

    /// The case name and code, e.g. `varchar(15)`. (Interpolating `self` here would call this
    /// property again, forever.)
    public var description: String { "\(name)(\(rawValue))" }

    private var name: String {
        switch self {
        case .decimal: "decimal"
        case .tiny: "tiny"
        case .short: "short"
        case .long: "long"
        case .float: "float"
        case .double: "double"
        case .null: "null"
        case .timestamp: "timestamp"
        case .longlong: "longlong"
        case .int24: "int24"
        case .date: "date"
        case .time: "time"
        case .datetime: "datetime"
        case .year: "year"
        case .newdate: "newdate"
        case .varchar: "varchar"
        case .bit: "bit"
        case .timestamp2: "timestamp2"
        case .datetime2: "datetime2"
        case .time2: "time2"
        case .typedArray: "typedArray"
        case .vector: "vector"
        case .invalid: "invalid"
        case .bool: "bool"
        case .json: "json"
        case .newdecimal: "newdecimal"
        case .`enum`: "enum"
        case .set: "set"
        case .tinyBlob: "tinyBlob"
        case .mediumBlob: "mediumBlob"
        case .longBlob: "longBlob"
        case .blob: "blob"
        case .varString: "varString"
        case .string: "string"
        case .geometry: "geometry"
        }
    }
}
