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
        case enumeration(byteCount: Int)
        case set(byteCount: Int)
        case bit(byteCount: Int)
        case json(lengthByteCount: Int)
        case geometry(lengthByteCount: Int)
        case vector(lengthByteCount: Int)
        /// A type or metadata this decoder cannot read; `failure` is raised when a value appears.
        case unsupported
    }

    // `Step` holds only plain values, so reading it for every value copies no references; what
    // needs reference counting sits beside it.
    let step: Step
    /// ENUM or SET labels, when known.
    private let labels: [String]?
    private let failure: BinlogError?

    /// The decoder for one column. It never fails here: a column this decoder cannot read only
    /// fails when a row actually holds a value for it.
    public init(column: ColumnDescriptor) {
        switch Self.step(for: column) {
        case .success(let step):
            self.step = step
            failure = nil
        case .failure(let error):
            step = .unsupported
            failure = error
        }
        labels = column.type == .enum ? column.enumLabels : column.type == .set ? column.setLabels : nil
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

    private static func step(for column: ColumnDescriptor) -> Result<Step, BinlogError> {
        let metadata = Int(column.metadata)
        func unsupported(_ why: String) -> Result<Step, BinlogError> {
            .failure(BinlogError(.unknownColumnType, "column type \(column.type) with metadata \(metadata): \(why)"))
        }
        switch column.type {
        case .null: return .success(.null)
        case .tiny: return .success(column.isUnsigned ? .unsigned(byteCount: 1) : .signed(byteCount: 1))
        case .short: return .success(column.isUnsigned ? .unsigned(byteCount: 2) : .signed(byteCount: 2))
        case .int24: return .success(column.isUnsigned ? .unsigned(byteCount: 3) : .signed(byteCount: 3))
        case .long: return .success(column.isUnsigned ? .unsigned(byteCount: 4) : .signed(byteCount: 4))
        case .longlong: return .success(column.isUnsigned ? .unsigned(byteCount: 8) : .signed(byteCount: 8))
        case .float: return .success(.float)
        case .double: return .success(.double)
        case .year: return .success(.year)
        case .newdecimal:
            guard let layout = DecimalLayout(precision: metadata >> 8, scale: metadata & 0xFF) else {
                return unsupported("DECIMAL(\(metadata >> 8),\(metadata & 0xFF)) is out of range")
            }
            return .success(.decimal(layout))
        case .date, .newdate: return .success(.date)
        case .time: return .success(.time)
        case .datetime: return .success(.datetime)
        case .timestamp: return .success(.timestamp)
        case .time2, .datetime2, .timestamp2:
            guard metadata <= 6 else { return unsupported("fractional-second precision above 6") }
            return .success(column.type == .time2 ? .time2(fsp: metadata) : column.type == .datetime2 ? .datetime2(fsp: metadata) : .timestamp2(fsp: metadata))
        case .string, .varchar, .varString:
            return .success(.text(lengthByteCount: metadata > 255 ? 2 : 1, form: TextForm(column)))
        case .blob, .tinyBlob, .mediumBlob, .longBlob:
            guard (1...4).contains(metadata) else { return unsupported("BLOB length prefix must be 1 to 4 bytes") }
            return .success(.text(lengthByteCount: metadata, form: TextForm(column)))
        case .enum:
            guard (1...2).contains(metadata) else { return unsupported("ENUM values must take 1 or 2 bytes") }
            return .success(.enumeration(byteCount: metadata))
        case .set:
            guard (1...8).contains(metadata) else { return unsupported("SET values must take 1 to 8 bytes") }
            return .success(.set(byteCount: metadata))
        case .bit:
            guard (1...64).contains(metadata) else { return unsupported("BIT must have 1 to 64 bits") }
            return .success(.bit(byteCount: (metadata + 7) / 8))
        case .json:
            guard (1...4).contains(metadata) else { return unsupported("JSON length prefix must be 1 to 4 bytes") }
            return .success(.json(lengthByteCount: metadata))
        case .geometry:
            guard (1...4).contains(metadata) else { return unsupported("GEOMETRY length prefix must be 1 to 4 bytes") }
            return .success(.geometry(lengthByteCount: metadata))
        case .vector:
            guard (1...4).contains(metadata) else { return unsupported("VECTOR length prefix must be 1 to 4 bytes") }
            return .success(.vector(lengthByteCount: metadata))
        case .decimal, .typedArray, .invalid, .bool:
            return unsupported("not a type that row events carry")
        }
    }

    @inline(__always)
    func decode(_ cursor: inout ByteCursor) throws(BinlogError) -> ColumnValue {
        if let value = try step.decode(&cursor) { return value }
        switch step {
        case .enumeration(let byteCount):
            let index = UInt16(truncatingIfNeeded: try cursor.readLE(byteCount: byteCount))
            var label: String?
            if let labels {
                // Index 0 is the empty string MySQL stores for an invalid value.
                label = index == 0 ? "" : Int(index) <= labels.count ? labels[Int(index) - 1] : nil
            }
            return .enumeration(index: index, label: label)
        case .set(let byteCount):
            let bits = try cursor.readLE(byteCount: byteCount)
            return .set(bits: bits, labels: labels.map { labels in
                labels.indices.filter { $0 < 64 && bits & (1 << UInt64($0)) != 0 }.map { labels[$0] }
            })
        default:
            throw failure ?? BinlogError(.unknownColumnType, "column type cannot be decoded")
        }
    }
}

extension ColumnValueDecoder.Step {
    /// Everything but ENUM, SET and unsupported types, which need what sits beside the step: those
    /// give nil.
    @inline(__always)
    func decode(_ cursor: inout ByteCursor) throws(BinlogError) -> ColumnValue? {
        switch self {
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
            return try ColumnValueDecoder.decodeDate(&cursor)
        case .time:
            return try ColumnValueDecoder.decodeTime(&cursor)
        case .time2(let fsp):
            return try ColumnValueDecoder.decodeTime2(&cursor, fsp: fsp)
        case .datetime:
            return try ColumnValueDecoder.decodeDatetime(&cursor)
        case .datetime2(let fsp):
            return try ColumnValueDecoder.decodeDatetime2(&cursor, fsp: fsp)
        case .timestamp:
            let seconds: UInt32 = try cursor.readLE()
            return seconds == 0 ? .null : .timestamp(MySQLTimestamp(seconds: Int64(seconds), microsecond: 0, fsp: 0))
        case .timestamp2(let fsp):
            return try ColumnValueDecoder.decodeTimestamp2(&cursor, fsp: fsp)
        case .text(let lengthByteCount, let form):
            let length = try cursor.readLength(byteCount: lengthByteCount)
            return form.value(try cursor.readBytes(length))
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
        case .enumeration, .set, .unsupported:
            return nil
        }
    }
}
