import NIOCore

extension ColumnValue {
    /// Appends this value as JSON, mapped as DESIGN.md's column-value table says.
    ///
    /// Choices the table leaves open:
    /// - A DATE (or the date of a DATETIME) whose month or day is zero is written as `null`, like
    ///   the zero dates the decoder already turns into `.null`.
    /// - An ENUM without its label is written as its 1-based index, a SET without labels as its
    ///   member bitmap, both as integers.
    /// - JSON values follow ``JSONValue/writeJSON(into:)``; JSON text is embedded as it is, and
    ///   empty text is written as `null`.
    /// - A GEOMETRY whose WKB does not decode is written as `null`; ``GeoJSON/render(wkb:srid:into:)``
    ///   gives the error.
    /// - NaN and infinities, which MySQL cannot store, are written as `null`.
    public func writeJSON(into buffer: inout ByteBuffer) {
        switch self {
        case .null:
            buffer.writeJSONNull()
        case .int(let value):
            buffer.writeJSONNumber(value)
        case .uint(let value), .bit(let value):
            buffer.writeJSONNumber(value)
        case .float(let value):
            buffer.writeJSONNumber(value)
        case .double(let value):
            buffer.writeJSONNumber(value)
        case .decimal(let literal):
            buffer.writeString(literal)
        case .date(let date):
            guard date.month != 0, date.day != 0 else { return buffer.writeJSONNull() }
            buffer.writeJSONOutput(capacity: Self.temporalCapacity) { output in
                output.put(UInt8(ascii: "\""))
                output.putCalendarDate(year: Int64(date.year), month: date.month, day: date.day)
                output.put(UInt8(ascii: "\""))
            }
        case .datetime(let value):
            guard value.date.month != 0, value.date.day != 0 else { return buffer.writeJSONNull() }
            buffer.writeJSONOutput(capacity: Self.temporalCapacity) { output in
                output.put(UInt8(ascii: "\""))
                output.putCalendarDate(year: Int64(value.date.year), month: value.date.month, day: value.date.day)
                output.put(UInt8(ascii: "T"))
                output.putClockTime(
                    hours: UInt64(value.hour),
                    minute: value.minute,
                    second: value.second,
                    microsecond: value.microsecond,
                    fractionDigits: value.fsp
                )
                output.put(UInt8(ascii: "\""))
            }
        case .timestamp(let value):
            let (days, secondOfDay) = value.seconds.floorDivided(by: 86_400)
            let date = CivilDate(daysSince1970: days)
            buffer.writeJSONOutput(capacity: Self.temporalCapacity) { output in
                output.put(UInt8(ascii: "\""))
                output.putCalendarDate(year: date.year, month: date.month, day: date.day)
                output.put(UInt8(ascii: "T"))
                output.putClockTime(
                    hours: UInt64(secondOfDay / 3600),
                    minute: UInt8(secondOfDay / 60 % 60),
                    second: UInt8(secondOfDay % 60),
                    microsecond: value.microsecond,
                    fractionDigits: value.fsp
                )
                output.put(UInt8(ascii: "Z"))
                output.put(UInt8(ascii: "\""))
            }
        case .time(let value):
            buffer.writeJSONOutput(capacity: Self.temporalCapacity) { output in
                output.put(UInt8(ascii: "\""))
                if value.isNegative { output.put(UInt8(ascii: "-")) }
                output.putClockTime(
                    hours: UInt64(value.hours),
                    minute: value.minutes,
                    second: value.seconds,
                    microsecond: value.microsecond,
                    fractionDigits: value.fsp
                )
                output.put(UInt8(ascii: "\""))
            }
        case .string(let value):
            buffer.writeJSONString(value)
        case .bytes(let value):
            buffer.writeJSONBase64(value)
        case .enumeration(let index, let label):
            if let label {
                buffer.writeJSONString(label)
            } else {
                buffer.writeJSONNumber(UInt64(index))
            }
        case .set(let bits, let labels):
            guard let labels else { return buffer.writeJSONNumber(bits) }
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, label) in labels.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeJSONString(label)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .json(let value):
            value.writeJSON(into: &buffer)
        case .jsonText(let text):
            guard !text.isEmpty else { return buffer.writeJSONNull() }
            buffer.writeString(text)
        case .geometry(let srid, let wkb):
            do {
                try GeoJSON.render(wkb: wkb, srid: srid, into: &buffer)
            } catch {
                buffer.writeJSONNull()
            }
        case .vector(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeJSONNumber(element)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        }
    }
}

extension ColumnValue {
    /// Enough for any quoted date or time: a signed 20-digit year or hour count, the other fields,
    /// six fraction digits, `T`, `Z` and quotes.
    static var temporalCapacity: Int { 64 }
}

extension Int64 {
    /// Division rounding toward negative infinity, so times before 1970 land on the right day.
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = self.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
