import Binlog

/// Reading back what `selectExpression` makes the server print. Each form accepts only the exact
/// shape the server writes, so a cell that is anything else is reported rather than guessed at.
extension SnapshotColumn {
    /// The value of a non-NULL cell, as the binlog decoder gives it; nil when `text` is not what
    /// this column's expression yields.
    func value(_ text: String) -> ColumnValue? {
        switch form {
        case .signed:
            return Int64(text).map(ColumnValue.int)
        case .unsigned:
            return UInt64(text).map(ColumnValue.uint)
        case .float:
            // The DOUBLE text of a FLOAT parses back to that float exactly; anything else is not one.
            guard let double = Self.parseDouble(text), let float = Float(exactly: double) else { return nil }
            return .float(float)
        case .double:
            return Self.parseDouble(text).map(ColumnValue.double)
        case .decimal:
            // The server prints the column's scale (`-12.340`), as the binlog decoder does.
            return Self.isDecimal(text) ? .decimal(text) : nil
        case .year:
            guard let year = Self.digits(text[...]), year <= 2155 else { return nil }
            // The zero year, like the binlog decoder's.
            return year == 0 ? .null : .int(Int64(year))
        case .date:
            guard let date = Self.parseDate(text[...]) else { return nil }
            return date.month == 0 || date.day == 0 ? .null : .date(date)
        case .datetime(let fsp):
            guard case let (date, clock)? = Self.parseDateTime(text) else { return nil }
            guard date.month != 0, date.day != 0 else { return .null }
            return .datetime(MySQLDateTime(
                date: date, hour: UInt8(clock.hours), minute: clock.minute, second: clock.second,
                microsecond: clock.microsecond, fsp: fsp))
        case .timestamp(let fsp):
            guard case let (seconds, microsecond)? = Self.parseUnixTime(text), seconds <= UInt64(Int64.max) else { return nil }
            // UNIX_TIMESTAMP() of the zero timestamp is 0, which the binlog decoder also gives as NULL.
            guard seconds != 0 || microsecond != 0 else { return .null }
            return .timestamp(MySQLTimestamp(seconds: Int64(seconds), microsecond: microsecond, fsp: fsp))
        case .time(let fsp):
            guard case let (isNegative, clock)? = Self.parseTime(text) else { return nil }
            return .time(MySQLTime(
                isNegative: isNegative, hours: clock.hours, minutes: clock.minute, seconds: clock.second,
                microsecond: clock.microsecond, fsp: fsp))
        case .text:
            return .string(text)
        case .jsonText:
            return .jsonText(text)
        case .bytes:
            return Self.parseHex(text).map(ColumnValue.bytes)
        case .enumeration(let labels):
            guard let index = UInt16(text) else { return nil }
            // Index 0 is the empty string the server stores for an invalid value.
            let label = index == 0 ? "" : Int(index) <= labels.count ? labels[Int(index) - 1] : nil
            return .enumeration(index: index, label: label)
        case .set(let labels):
            guard let bits = UInt64(text) else { return nil }
            return .set(bits: bits, labels: labels.indices.filter { $0 < 64 && bits & (1 << UInt64($0)) != 0 }.map { labels[$0] })
        case .bit:
            return UInt64(text).map(ColumnValue.bit)
        case .geometry:
            guard let bytes = Self.parseHex(text), bytes.count >= 4 else { return nil }
            let srid = bytes[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return .geometry(srid: srid, wkb: Array(bytes[4...]))
        case .vector:
            guard let bytes = Self.parseHex(text), bytes.count % 4 == 0 else { return nil }
            return .vector(stride(from: 0, to: bytes.count, by: 4).map { start in
                Float(bitPattern: bytes[start..<start + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            })
        }
    }

    /// Hours (unbounded, for TIME), minute, second and microsecond.
    typealias Clock = (hours: UInt32, minute: UInt8, second: UInt8, microsecond: UInt32)

    /// `YYYY-MM-DD`, zero parts allowed.
    static func parseDate(_ text: Substring) -> MySQLDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count == 4, parts[1].utf8.count == 2, parts[2].utf8.count == 2,
              let year = digits(parts[0]), let month = digits(parts[1]), let day = digits(parts[2]),
              month <= 12, day <= 31
        else { return nil }
        return MySQLDate(year: UInt16(year), month: UInt8(month), day: UInt8(day))
    }

    /// `YYYY-MM-DD HH:MM:SS[.f…]`.
    static func parseDateTime(_ text: String) -> (MySQLDate, Clock)? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = parseDate(parts[0]), let clock = parseClock(parts[1]), clock.hours < 24
        else { return nil }
        return (date, clock)
    }

    /// `[-]H…HH:MM:SS[.f…]`.
    static func parseTime(_ text: String) -> (isNegative: Bool, Clock)? {
        let isNegative = text.hasPrefix("-")
        guard let clock = parseClock(text.dropFirst(isNegative ? 1 : 0)) else { return nil }
        return (isNegative, clock)
    }

    /// UNIX_TIMESTAMP()'s `S[.f…]`.
    static func parseUnixTime(_ text: String) -> (seconds: UInt64, microsecond: UInt32)? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let seconds = digits(parts[0]) else { return nil }
        guard parts.count == 2 else { return (seconds, 0) }
        guard let microsecond = microseconds(parts[1]) else { return nil }
        return (seconds, microsecond)
    }

    /// `H…HH:MM:SS[.f…]`, the time of day or a TIME's magnitude.
    private static func parseClock(_ text: Substring) -> Clock? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].utf8.count == 2, let hours = digits(parts[0]), hours <= UInt32.max,
              let minute = digits(parts[1]), minute < 60
        else { return nil }
        let second = parts[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard second[0].utf8.count == 2, let wholeSecond = digits(second[0]), wholeSecond < 60 else { return nil }
        var microsecond: UInt32 = 0
        if second.count == 2 {
            guard let fraction = microseconds(second[1]) else { return nil }
            microsecond = fraction
        }
        return (UInt32(hours), UInt8(minute), UInt8(wholeSecond), microsecond)
    }

    /// One to six fraction digits as microseconds.
    private static func microseconds(_ fraction: Substring) -> UInt32? {
        let count = fraction.utf8.count
        guard count <= 6, let value = digits(fraction) else { return nil }
        var microsecond = UInt32(value)
        for _ in count..<6 { microsecond *= 10 }
        return microsecond
    }

    /// ASCII digits only (no sign), at most 19 of them so they fit.
    static func digits(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return UInt64(text)
    }

    /// A finite number in the server's DOUBLE form: digits, point, sign, exponent. Swift's parser
    /// rounds correctly, and would also take `nan`, `inf` and hex floats, which the server never prints.
    static func parseDouble(_ text: String) -> Double? {
        guard text.utf8.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || "+-.e".utf8.contains($0) }),
              let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    /// `[-]digits[.digits]`, a DECIMAL as the server prints it.
    static func isDecimal(_ text: String) -> Bool {
        let unsigned = text.hasPrefix("-") ? text.dropFirst() : text[...]
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
    }

    /// HEX()'s output as bytes.
    static func parseHex(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = hexDigit(utf8[index]), let low = hexDigit(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// Bytes as upper-case hex digits, for an `X'…'` literal.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func hexDigit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
