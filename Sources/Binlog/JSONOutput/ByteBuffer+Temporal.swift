import NIOCore

/// The pieces of date and time text that column values and JSON temporal values share.
extension ByteBuffer {
    /// Writes `YYYY-MM-DD`, the year zero-padded to four digits.
    mutating func writeCalendarDate(year: Int64, month: UInt8, day: UInt8) {
        if year < 0 { self.writeInteger(UInt8(ascii: "-")) }
        self.writeZeroPadded(year.magnitude, width: 4)
        self.writeInteger(UInt8(ascii: "-"))
        self.writeZeroPadded(UInt64(month), width: 2)
        self.writeInteger(UInt8(ascii: "-"))
        self.writeZeroPadded(UInt64(day), width: 2)
    }

    /// Writes `HH:MM:SS`, then `.` and the first `fractionDigits` (at most six) digits of the
    /// microseconds when `fractionDigits` is not zero. Hours take as many digits as they need, at least two.
    mutating func writeClockTime(hours: UInt64, minute: UInt8, second: UInt8, microsecond: UInt32, fractionDigits: UInt8) {
        self.writeZeroPadded(hours, width: 2)
        self.writeInteger(UInt8(ascii: ":"))
        self.writeZeroPadded(UInt64(minute), width: 2)
        self.writeInteger(UInt8(ascii: ":"))
        self.writeZeroPadded(UInt64(second), width: 2)
        let digits = Int(min(fractionDigits, 6))
        guard digits > 0 else { return }
        var divisor: UInt32 = 1
        for _ in digits..<6 { divisor *= 10 }
        self.writeInteger(UInt8(ascii: "."))
        self.writeZeroPadded(UInt64(microsecond / divisor), width: digits)
    }
}
