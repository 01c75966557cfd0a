import NIOCore

/// Decodes the values of one column from row images, as DESIGN.md's column-value table says.
///
/// Made once per column when a TABLE_MAP arrives (the decoding plan), then used for every row: all
/// the per-type decisions (widths, signedness, charset, fsp, decimal layout) are taken up front.
public struct ColumnValueDecoder: Sendable {
    enum Step: Sendable {
        case null
        case signed(byteCount: Int)
        case unsigned(byteCount: Int)
        case float
        case double
        case year
        case decimal(DecimalLayout)
        case date
        case time
        case time2(fsp: Int)
        case datetime
        case datetime2(fsp: Int)
        case timestamp
        case timestamp2(fsp: Int)
        case text(lengthByteCount: Int, form: TextForm)
        case enumeration(byteCount: Int, labels: [String]?)
        case set(byteCount: Int, labels: [String]?)
        case bit(byteCount: Int)
        case json(lengthByteCount: Int)
        case geometry(lengthByteCount: Int)
        case vector(lengthByteCount: Int)
        /// A type or metadata this decoder cannot read; the error is raised when a value appears.
        case unsupported(BinlogError)
    }

    let step: Step

    /// The decoder for one column. It never fails here: a column this decoder cannot read only
    /// fails when a row actually holds a value for it.
    public init(column: ColumnDescriptor) {
        step = Self.step(for: column)
    }

    /// Reads one non-NULL value from the start of `buffer` and moves its reader index past it.
    public func decode(from buffer: inout ByteBuffer) throws(BinlogError) -> ColumnValue {
        let (value, consumed) = try buffer.withByteCursor { (cursor) throws(BinlogError) in
            (try decode(&cursor), cursor.position)
        }
        buffer.moveReaderIndex(forwardBy: consumed)
        return value
    }

    /// Whether values are JSON (PARTIAL_UPDATE_ROWS counts these columns).
    var isBinaryJSON: Bool {
        if case .json = step { return true }
        return false
    }

    private static func step(for column: ColumnDescriptor) -> Step {
        let metadata = Int(column.metadata)
        let unsupported = { (why: String) in
            Step.unsupported(BinlogError(.unknownColumnType, "column type \(column.type) with metadata \(metadata): \(why)"))
        }
        switch column.type {
        case .null: return .null
        case .tiny: return column.isUnsigned ? .unsigned(byteCount: 1) : .signed(byteCount: 1)
        case .short: return column.isUnsigned ? .unsigned(byteCount: 2) : .signed(byteCount: 2)
        case .int24: return column.isUnsigned ? .unsigned(byteCount: 3) : .signed(byteCount: 3)
        case .long: return column.isUnsigned ? .unsigned(byteCount: 4) : .signed(byteCount: 4)
        case .longlong: return column.isUnsigned ? .unsigned(byteCount: 8) : .signed(byteCount: 8)
        case .float: return .float
        case .double: return .double
        case .year: return .year
        case .newdecimal:
            guard let layout = DecimalLayout(precision: metadata >> 8, scale: metadata & 0xFF) else {
                return unsupported("DECIMAL(\(metadata >> 8),\(metadata & 0xFF)) is out of range")
            }
            return .decimal(layout)
        case .date, .newdate: return .date
        case .time: return .time
        case .datetime: return .datetime
        case .timestamp: return .timestamp
        case .time2, .datetime2, .timestamp2:
            guard metadata <= 6 else { return unsupported("fractional-second precision above 6") }
            return column.type == .time2 ? .time2(fsp: metadata) : column.type == .datetime2 ? .datetime2(fsp: metadata) : .timestamp2(fsp: metadata)
        case .string, .varchar, .varString:
            return .text(lengthByteCount: metadata > 255 ? 2 : 1, form: TextForm(column))
        case .blob, .tinyBlob, .mediumBlob, .longBlob:
            guard (1...4).contains(metadata) else { return unsupported("BLOB length prefix must be 1 to 4 bytes") }
            return .text(lengthByteCount: metadata, form: TextForm(column))
        case .enum:
            guard (1...2).contains(metadata) else { return unsupported("ENUM values must take 1 or 2 bytes") }
            return .enumeration(byteCount: metadata, labels: column.enumLabels)
        case .set:
            guard (1...8).contains(metadata) else { return unsupported("SET values must take 1 to 8 bytes") }
            return .set(byteCount: metadata, labels: column.setLabels)
        case .bit:
            guard (1...64).contains(metadata) else { return unsupported("BIT must have 1 to 64 bits") }
            return .bit(byteCount: (metadata + 7) / 8)
        case .json:
            guard (1...4).contains(metadata) else { return unsupported("JSON length prefix must be 1 to 4 bytes") }
            return .json(lengthByteCount: metadata)
        case .geometry:
            guard (1...4).contains(metadata) else { return unsupported("GEOMETRY length prefix must be 1 to 4 bytes") }
            return .geometry(lengthByteCount: metadata)
        case .vector:
            guard (1...4).contains(metadata) else { return unsupported("VECTOR length prefix must be 1 to 4 bytes") }
            return .vector(lengthByteCount: metadata)
        case .decimal, .typedArray, .invalid, .bool:
            return unsupported("not a type that row events carry")
        }
    }

    @inline(__always)
    func decode(_ cursor: inout ByteCursor) throws(BinlogError) -> ColumnValue {
        switch step {
        case .null:
            return .null
        case .signed(let byteCount):
            let raw = try cursor.readLE(byteCount: byteCount)
            // Sign-extend from the value's own width.
            let shift = UInt64(64 - 8 * byteCount)
            return .int(Int64(bitPattern: raw << shift) >> shift)
        case .unsigned(let byteCount):
            return .uint(try cursor.readLE(byteCount: byteCount))
        case .float:
            return .float(Float(bitPattern: try cursor.readLE(UInt32.self)))
        case .double:
            return .double(Double(bitPattern: try cursor.readLE(UInt64.self)))
        case .year:
            let year = try cursor.readUInt8()
            return year == 0 ? .null : .int(1900 + Int64(year))
        case .decimal(let layout):
            return .decimal(try layout.decode(&cursor))
        case .date:
            return try Self.decodeDate(&cursor)
        case .time:
            return try Self.decodeTime(&cursor)
        case .time2(let fsp):
            return try Self.decodeTime2(&cursor, fsp: fsp)
        case .datetime:
            return try Self.decodeDatetime(&cursor)
        case .datetime2(let fsp):
            return try Self.decodeDatetime2(&cursor, fsp: fsp)
        case .timestamp:
            let seconds: UInt32 = try cursor.readLE()
            return seconds == 0 ? .null : .timestamp(MySQLTimestamp(seconds: Int64(seconds), microsecond: 0, fsp: 0))
        case .timestamp2(let fsp):
            return try Self.decodeTimestamp2(&cursor, fsp: fsp)
        case .text(let lengthByteCount, let form):
            let length = try cursor.readLength(byteCount: lengthByteCount)
            return form.value(try cursor.readBytes(length))
        case .enumeration(let byteCount, let labels):
            let index = UInt16(truncatingIfNeeded: try cursor.readLE(byteCount: byteCount))
            var label: String?
            if let labels {
                // Index 0 is the empty string MySQL stores for an invalid value.
                label = index == 0 ? "" : Int(index) <= labels.count ? labels[Int(index) - 1] : nil
            }
            return .enumeration(index: index, label: label)
        case .set(let byteCount, let labels):
            let bits = try cursor.readLE(byteCount: byteCount)
            return .set(bits: bits, labels: labels.map { labels in
                labels.indices.filter { $0 < 64 && bits & (1 << UInt64($0)) != 0 }.map { labels[$0] }
            })
        case .bit(let byteCount):
            return .bit(try cursor.readBE(byteCount: byteCount))
        case .json(let lengthByteCount):
            let length = try cursor.readLength(byteCount: lengthByteCount)
            // An empty value is what the server stores for JSON null in some paths (e.g. a column
            // added without a default).
            if length == 0 { return .json(.null) }
            return .json(try JSONBinaryDecoder.decode(try cursor.readSlice(length)))
        case .geometry(let lengthByteCount):
            let length = try cursor.readLength(byteCount: lengthByteCount)
            guard length >= 4 else { throw BinlogError(.malformed, "GEOMETRY value of \(length) bytes has no SRID") }
            let srid: UInt32 = try cursor.readLE()
            return .geometry(srid: srid, wkb: try cursor.readArray(length - 4))
        case .vector(let lengthByteCount):
            let length = try cursor.readLength(byteCount: lengthByteCount)
            guard length % 4 == 0 else { throw BinlogError(.malformed, "VECTOR value of \(length) bytes is not whole float32s") }
            guard length <= cursor.remaining else { throw BinlogError(.truncated, "VECTOR value of \(length) bytes, \(cursor.remaining) left") }
            var floats: [Float] = []
            floats.reserveCapacity(length / 4)
            for _ in 0..<(length / 4) {
                floats.append(Float(bitPattern: try cursor.readLE(UInt32.self)))
            }
            return .vector(floats)
        case .unsupported(let error):
            throw error
        }
    }
}
