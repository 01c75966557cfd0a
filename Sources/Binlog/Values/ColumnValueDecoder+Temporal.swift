/// DATE, TIME, DATETIME and TIMESTAMP in both the old layouts and the MySQL 5.6 ones (TIME2,
/// DATETIME2, TIMESTAMP2: big-endian, with (fsp + 1) / 2 bytes of fraction).
extension ColumnValueDecoder {
    static func decodeDate(_ cursor: inout ByteCursor) throws(BinlogError) -> ColumnValue {
        let packed = try cursor.readLE(byteCount: 3)
        guard let date = try makeDate(year: packed >> 9, month: (packed >> 5) & 15, day: packed & 31) else { return .null }
        return .date(date)
    }

    /// Old TIME: a signed 3-byte integer, ±HHMMSS in decimal digits.
    static func decodeTime(_ cursor: inout ByteCursor) throws(BinlogError) -> ColumnValue {
        let raw = try cursor.readLE(byteCount: 3)
        let value = Int64(bitPattern: raw << 40) >> 40
        let magnitude = value.magnitude
        return .time(MySQLTime(
            isNegative: value < 0, hours: UInt32(magnitude / 10000), minutes: UInt8(magnitude / 100 % 100),
            seconds: UInt8(magnitude % 100), microsecond: 0, fsp: 0))
    }

    /// TIME2: 3 bytes of 0x800000-offset integer part (hour in 10 bits, minute and second in 6 each),
    /// then the fraction. Negative values store the fraction counted back from the next second, so
    /// the bytes sort in time order.
    static func decodeTime2(_ cursor: inout ByteCursor, fsp: Int) throws(BinlogError) -> ColumnValue {
        var integer = Int64(try cursor.readBE(byteCount: 3)) - 0x80_0000
        let packed: Int64
        switch fsp {
        case 1, 2:
            var fraction = Int64(try cursor.readUInt8())
            if integer < 0 && fraction != 0 {
                integer += 1
                fraction -= 0x100
            }
            packed = integer << 24 + fraction * 10000
        case 3, 4:
            var fraction = Int64(try cursor.readBE(UInt16.self))
            if integer < 0 && fraction != 0 {
                integer += 1
                fraction -= 0x1_0000
            }
            packed = integer << 24 + fraction * 100
        case 5, 6:
            // The fraction's 3 bytes continue the integer: one 6-byte offset number.
            packed = (integer + 0x80_0000) << 24 + Int64(try cursor.readBE(byteCount: 3)) - 0x8000_0000_0000
        default:
            packed = integer << 24
        }
        let magnitude = packed.magnitude
        let hms = magnitude >> 24
        let microsecond = UInt32(magnitude & 0xFF_FFFF)
        guard microsecond < 1_000_000 else { throw BinlogError(.malformed, "TIME fraction \(microsecond) µs is over a second") }
        return .time(MySQLTime(
            isNegative: packed < 0, hours: UInt32((hms >> 12) & 0x3FF), minutes: UInt8((hms >> 6) & 0x3F),
            seconds: UInt8(hms & 0x3F), microsecond: microsecond, fsp: UInt8(fsp)))
    }

    /// Old DATETIME: an 8-byte integer YYYYMMDDhhmmss in decimal digits.
    static func decodeDatetime(_ cursor: inout ByteCursor) throws(BinlogError) -> ColumnValue {
        let value: UInt64 = try cursor.readLE()
        let date = value / 1_000_000
        let time = value % 1_000_000
        guard let day = try makeDate(year: date / 10000, month: date / 100 % 100, day: date % 100) else { return .null }
        return .datetime(MySQLDateTime(
            date: day, hour: UInt8(time / 10000), minute: UInt8(time / 100 % 100), second: UInt8(time % 100),
            microsecond: 0, fsp: 0))
    }

    /// DATETIME2: 5 bytes, 0x8000000000-offset: year * 13 + month in 17 bits, day 5, hour 5,
    /// minute 6, second 6; then the fraction.
    static func decodeDatetime2(_ cursor: inout ByteCursor, fsp: Int) throws(BinlogError) -> ColumnValue {
        let raw = try cursor.readBE(byteCount: 5)
        guard raw >= 0x80_0000_0000 else { throw BinlogError(.malformed, "DATETIME value before year 0") }
        let value = raw - 0x80_0000_0000
        let microsecond = try readFraction(&cursor, fsp: fsp)
        let yearMonthDay = value >> 17
        let yearMonth = yearMonthDay >> 5
        let hms = value & 0x1_FFFF
        guard let date = try makeDate(year: yearMonth / 13, month: yearMonth % 13, day: yearMonthDay & 31) else { return .null }
        return .datetime(MySQLDateTime(
            date: date, hour: UInt8(hms >> 12), minute: UInt8((hms >> 6) & 0x3F), second: UInt8(hms & 0x3F),
            microsecond: microsecond, fsp: UInt8(fsp)))
    }

    /// TIMESTAMP2: 4 bytes of big-endian seconds since the epoch, then the fraction; 0 is the zero timestamp.
    static func decodeTimestamp2(_ cursor: inout ByteCursor, fsp: Int) throws(BinlogError) -> ColumnValue {
        let seconds: UInt32 = try cursor.readBE()
        let microsecond = try readFraction(&cursor, fsp: fsp)
        if seconds == 0 && microsecond == 0 { return .null }
        return .timestamp(MySQLTimestamp(seconds: Int64(seconds), microsecond: microsecond, fsp: UInt8(fsp)))
    }

    /// The big-endian fraction of DATETIME2 and TIMESTAMP2, in microseconds.
    private static func readFraction(_ cursor: inout ByteCursor, fsp: Int) throws(BinlogError) -> UInt32 {
        let microsecond: UInt32
        switch fsp {
        case 1, 2: microsecond = UInt32(try cursor.readUInt8()) * 10000
        case 3, 4: microsecond = UInt32(try cursor.readBE(UInt16.self)) * 100
        case 5, 6: microsecond = UInt32(try cursor.readBE(byteCount: 3))
        default: microsecond = 0
        }
        guard microsecond < 1_000_000 else { throw BinlogError(.malformed, "fraction \(microsecond) µs is over a second") }
        return microsecond
    }

    /// Nil for a zero or partly zero date (month or day 0), which DESIGN.md maps to null.
    private static func makeDate(year: UInt64, month: UInt64, day: UInt64) throws(BinlogError) -> MySQLDate? {
        guard year <= 9999, month <= 12, day <= 31 else {
            throw BinlogError(.malformed, "date \(year)-\(month)-\(day) is out of range")
        }
        guard month != 0, day != 0 else { return nil }
        return MySQLDate(year: UInt16(year), month: UInt8(month), day: UInt8(day))
    }
}
