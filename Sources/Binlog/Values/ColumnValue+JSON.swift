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
        case .json(let value):
            value.writeJSON(into: &buffer)
        case .geometry(let srid, let wkb):
            do {
                try GeoJSON.render(wkb: wkb, srid: srid, into: &buffer)
            } catch {
                buffer.writeJSONNull()
            }
        default:
            // Every other value has a bound; see `putJSON(into:)`.
            buffer.writeJSONOutput(capacity: jsonSizeBound!) { putJSON(into: &$0) }
        }
    }

    /// At most how many bytes `writeJSON(into:)` writes for this value; nil for JSON documents and
    /// geometries, whose size is only known by writing them.
    ///
    /// With it, a writer can reserve room for many values at once and put them with
    /// `putJSON(into:)`, without a buffer access per value.
    public var jsonSizeBound: Int? {
        switch self {
        case .null: 4
        case .int, .uint, .bit: RawJSONOutput.integerBound
        case .float, .double: RawJSONOutput.floatingPointBound
        case .decimal(let literal): literal.utf8.count
        case .date, .datetime, .timestamp, .time: Self.temporalCapacity
        case .string(let value): RawJSONOutput.jsonStringBound(value)
        case .bytes(let value): Base64.encodedCount(of: value.count) + 2
        case .enumeration(_, let label): label.map(RawJSONOutput.jsonStringBound) ?? RawJSONOutput.integerBound
        case .set(_, let labels):
            labels.map { $0.reduce(2) { $0 + RawJSONOutput.jsonStringBound($1) + 1 } } ?? RawJSONOutput.integerBound
        case .json, .geometry: nil
        case .jsonText(let text): max(text.utf8.count, 4)
        case .vector(let elements): 2 + elements.count * (RawJSONOutput.floatingPointBound + 1)
        }
    }

    /// Puts this value as `writeJSON(into:)` writes it, if `output` has room for it. A JSON document
    /// or a geometry, which has no `jsonSizeBound`, is not put: the output is marked `overflowed`,
    /// for the caller to write it with `writeJSON(into:)`.
    public func putJSON(into output: inout RawJSONOutput) {
        switch self {
        case .null:
            output.put("null")
        case .int(let value):
            output.putJSONNumber(value)
        case .uint(let value), .bit(let value):
            output.putJSONNumber(value)
        case .float(let value):
            output.putJSONNumber(value)
        case .double(let value):
            output.putJSONNumber(value)
        case .decimal(let literal):
            literal.withUTF8Bytes { output.put(contentsOf: $0) }
        case .date(let date):
            guard date.month != 0, date.day != 0 else { return output.put("null") }
            output.put(UInt8(ascii: "\""))
            output.putCalendarDate(year: Int64(date.year), month: date.month, day: date.day)
            output.put(UInt8(ascii: "\""))
        case .datetime(let value):
            guard value.date.month != 0, value.date.day != 0 else { return output.put("null") }
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
        case .timestamp(let value):
            let (days, secondOfDay) = value.seconds.floorDivided(by: 86_400)
            let date = CivilDate(daysSince1970: days)
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
        case .time(let value):
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
        case .string(let value):
            output.putJSONString(value)
        case .bytes(let value):
            output.put(UInt8(ascii: "\""))
            output.putBase64(value)
            output.put(UInt8(ascii: "\""))
        case .enumeration(let index, let label):
            if let label {
                output.putJSONString(label)
            } else {
                output.putJSONNumber(UInt64(index))
            }
        case .set(let bits, let labels):
            guard let labels else { return output.putJSONNumber(bits) }
            output.put(UInt8(ascii: "["))
            for (index, label) in labels.enumerated() {
                if index > 0 { output.put(UInt8(ascii: ",")) }
                output.putJSONString(label)
            }
            output.put(UInt8(ascii: "]"))
        case .jsonText(let text):
            guard !text.isEmpty else { return output.put("null") }
            text.withUTF8Bytes { output.put(contentsOf: $0) }
        case .vector(let elements):
            output.put(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.put(UInt8(ascii: ",")) }
                output.putJSONNumber(element)
            }
            output.put(UInt8(ascii: "]"))
        case .json, .geometry:
            output.overflow()
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
