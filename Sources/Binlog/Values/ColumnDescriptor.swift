/// What a decoder needs to know about one column: its type and metadata from TABLE_MAP, plus what
/// the optional metadata (`binlog_row_metadata=FULL`) or `information_schema` adds.
public struct ColumnDescriptor: Sendable, Equatable {
    /// The real type. For ENUM and SET, TABLE_MAP says STRING and hides the real type in the metadata;
    /// this is the real one.
    public var type: ColumnType
    /// TABLE_MAP's per-column metadata, already normalised to the real type (e.g. length, fsp,
    /// precision << 8 | scale, pack length).
    public var metadata: UInt16
    public var isNullable: Bool
    public var isUnsigned: Bool
    /// The collation id (e.g. 45 utf8mb4_general_ci, 63 binary, 8 latin1_swedish_ci), if known.
    public var collation: UInt16?
    public var name: String?
    public var enumLabels: [String]?
    public var setLabels: [String]?
    /// GEOMETRY subtype from optional metadata, if known.
    public var geometryType: UInt8?
    /// VECTOR dimension from optional metadata, if known.
    public var vectorDimension: UInt32?
    /// A text column that holds JSON (MariaDB's JSON alias); its values become `.jsonText`.
    public var isJSONText: Bool

    public init(
        type: ColumnType,
        metadata: UInt16 = 0,
        isNullable: Bool = true,
        isUnsigned: Bool = false,
        collation: UInt16? = nil,
        name: String? = nil,
        enumLabels: [String]? = nil,
        setLabels: [String]? = nil,
        geometryType: UInt8? = nil,
        vectorDimension: UInt32? = nil,
        isJSONText: Bool = false
    ) {
        self.type = type
        self.metadata = metadata
        self.isNullable = isNullable
        self.isUnsigned = isUnsigned
        self.collation = collation
        self.name = name
        self.enumLabels = enumLabels
        self.setLabels = setLabels
        self.geometryType = geometryType
        self.vectorDimension = vectorDimension
        self.isJSONText = isJSONText
    }
}
