/// One decoded column value.
///
/// The cases keep what the binlog said, not how it will be printed: rendering to JSON follows the
/// mapping in DESIGN.md and lives in `ColumnValue+JSON.swift`, so one decoded row serves every sink.
public enum ColumnValue: Sendable, Equatable {
    case null
    /// TINYINT…BIGINT signed, and YEAR.
    case int(Int64)
    /// TINYINT…BIGINT unsigned.
    case uint(UInt64)
    case float(Float)
    case double(Double)
    /// DECIMAL as an exact literal with the column's scale, e.g. `-12.340`.
    case decimal(String)
    case date(MySQLDate)
    case datetime(MySQLDateTime)
    case timestamp(MySQLTimestamp)
    case time(MySQLTime)
    /// CHAR, VARCHAR, TEXT decoded by the column's charset.
    case string(String)
    /// BINARY, VARBINARY, BLOB, and text whose charset is `binary`.
    case bytes([UInt8])
    /// ENUM: the 1-based index the binlog holds, and its label when the schema is known.
    case enumeration(index: UInt16, label: String?)
    /// SET: the member bitmap, and the labels of the members when the schema is known.
    case set(bits: UInt64, labels: [String]?)
    case bit(UInt64)
    /// MySQL's binary JSON, decoded.
    case json(JSONValue)
    /// JSON held as text (MariaDB's JSON alias for LONGTEXT); emitted embedded, not quoted.
    case jsonText(String)
    /// GEOMETRY: SRID and well-known binary, rendered as GeoJSON.
    case geometry(srid: UInt32, wkb: [UInt8])
    case vector([Float])
}

/// A DATE. All-zero or partly-zero dates are decoded as `ColumnValue.null`.
public struct MySQLDate: Sendable, Hashable {
    public var year: UInt16
    public var month: UInt8
    public var day: UInt8
    public init(year: UInt16, month: UInt8, day: UInt8) {
        self.year = year
        self.month = month
        self.day = day
    }
}

/// A DATETIME(fsp), wall-clock, without a time zone.
public struct MySQLDateTime: Sendable, Hashable {
    public var date: MySQLDate
    public var hour: UInt8
    public var minute: UInt8
    public var second: UInt8
    public var microsecond: UInt32
    /// Fractional-second precision of the column, 0…6: how many fraction digits to print.
    public var fsp: UInt8
    public init(date: MySQLDate, hour: UInt8, minute: UInt8, second: UInt8, microsecond: UInt32, fsp: UInt8) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.fsp = fsp
    }
}

/// A TIMESTAMP(fsp): seconds since the Unix epoch, UTC.
public struct MySQLTimestamp: Sendable, Hashable {
    public var seconds: Int64
    public var microsecond: UInt32
    public var fsp: UInt8
    public init(seconds: Int64, microsecond: UInt32, fsp: UInt8) {
        self.seconds = seconds
        self.microsecond = microsecond
        self.fsp = fsp
    }
}

/// A TIME(fsp): a signed duration whose hours can exceed 24.
public struct MySQLTime: Sendable, Hashable {
    public var isNegative: Bool
    public var hours: UInt32
    public var minutes: UInt8
    public var seconds: UInt8
    public var microsecond: UInt32
    public var fsp: UInt8
    public init(isNegative: Bool, hours: UInt32, minutes: UInt8, seconds: UInt8, microsecond: UInt32, fsp: UInt8) {
        self.isNegative = isNegative
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
        self.microsecond = microsecond
        self.fsp = fsp
    }
}
