import NIOCore

/// A DATE, TIME, DATETIME or TIMESTAMP held inside binary JSON.
///
/// MySQL stores these as opaque values of eight bytes: the little-endian "packed" integer of
/// `TIME_to_longlong_packed` (`my_time.cc`). Its low 24 bits are the microseconds; above them a
/// DATETIME has `((year * 13 + month) << 5 | day) << 17 | hour << 12 | minute << 6 | second` and a
/// TIME has `hours << 12 | minute << 6 | second`; a negative TIME is the negated integer.
struct PackedTemporal {
    var type: ColumnType
    var isNegative: Bool
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var microsecond: Int

    /// Unpacks an opaque value's bytes; nil when the type is not temporal or the fields are out of range.
    init?(type: ColumnType, bytes: [UInt8]) {
        guard bytes.count == 8, [.date, .time, .datetime, .timestamp].contains(type) else { return nil }
        let packed = bytes.reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let magnitude = packed.magnitude
        let whole = Int(magnitude >> 24)
        self.type = type
        self.isNegative = packed < 0
        self.microsecond = Int(magnitude & 0xFF_FFFF)
        self.second = whole & 0x3F
        self.minute = whole >> 6 & 0x3F
        if type == .time {
            self.year = 0
            self.month = 0
            self.day = 0
            self.hour = whole >> 12 & 0x3FF
        } else {
            let yearMonth = whole >> 22
            self.year = yearMonth / 13
            self.month = yearMonth % 13
            self.day = whole >> 17 & 0x1F
            self.hour = whole >> 12 & 0x1F
            guard !self.isNegative, self.year <= 9999, self.hour <= 23 else { return nil }
        }
        guard self.minute <= 59, self.second <= 59, self.microsecond <= 999_999 else { return nil }
    }

    /// Writes the quoted string MySQL prints for it (`my_TIME_to_str` with six fraction digits, as
    /// `JSON_EXTRACT` does): `"2024-02-29"`, `"-838:59:59.000000"`, `"2024-02-29 23:59:59.120000"`.
    func write(into buffer: inout ByteBuffer) {
        buffer.writeJSONOutput(capacity: 40) { output in
            output.put(UInt8(ascii: "\""))
            if self.type != .time {
                output.putCalendarDate(year: Int64(self.year), month: UInt8(self.month), day: UInt8(self.day))
            }
            if self.type != .date {
                if self.type == .time {
                    if self.isNegative { output.put(UInt8(ascii: "-")) }
                } else {
                    output.put(UInt8(ascii: " "))
                }
                output.putClockTime(
                    hours: UInt64(self.hour),
                    minute: UInt8(self.minute),
                    second: UInt8(self.second),
                    microsecond: UInt32(self.microsecond),
                    fractionDigits: 6
                )
            }
            output.put(UInt8(ascii: "\""))
        }
    }
}
