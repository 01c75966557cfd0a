import Binlog
import NIOCore
import Testing

/// Hand-built values at their limits. Byte layouts follow the server's formats; the DECIMAL
/// bytes were made with an independent encoder checked against MySQL's own documented example
/// (1234567890.1234 in DECIMAL(14,4) is 81 0D FB 38 D2 04 D2, see strings/decimal.cc).
@Suite("Column value decoding")
struct ColumnValueDecoderTests {
    func decode(_ column: ColumnDescriptor, _ bytes: [UInt8]) throws -> ColumnValue {
        var buffer = ByteBuffer(bytes: bytes)
        let value = try ColumnValueDecoder(column: column).decode(from: &buffer)
        #expect(buffer.readableBytes == 0, "value left \(buffer.readableBytes) bytes unread")
        return value
    }

    func integer(_ type: ColumnType, unsigned: Bool = false) -> ColumnDescriptor {
        ColumnDescriptor(type: type, isUnsigned: unsigned)
    }

    @Test func integersAtTheirLimits() throws {
        #expect(try decode(integer(.tiny), [0x80]) == .int(-128))
        #expect(try decode(integer(.tiny), [0x7F]) == .int(127))
        #expect(try decode(integer(.tiny, unsigned: true), [0xFF]) == .uint(255))
        #expect(try decode(integer(.short), [0x00, 0x80]) == .int(-32768))
        #expect(try decode(integer(.short), [0xFF, 0x7F]) == .int(32767))
        #expect(try decode(integer(.short, unsigned: true), [0xFF, 0xFF]) == .uint(65535))
        #expect(try decode(integer(.int24), [0x00, 0x00, 0x80]) == .int(-8_388_608))
        #expect(try decode(integer(.int24), [0xFF, 0xFF, 0x7F]) == .int(8_388_607))
        #expect(try decode(integer(.int24), [0xFF, 0xFF, 0xFF]) == .int(-1))
        #expect(try decode(integer(.int24, unsigned: true), [0xFF, 0xFF, 0xFF]) == .uint(16_777_215))
        #expect(try decode(integer(.long), [0x00, 0x00, 0x00, 0x80]) == .int(-2_147_483_648))
        #expect(try decode(integer(.long), [0xFF, 0xFF, 0xFF, 0x7F]) == .int(2_147_483_647))
        #expect(try decode(integer(.long, unsigned: true), [0xFF, 0xFF, 0xFF, 0xFF]) == .uint(4_294_967_295))
        #expect(try decode(integer(.longlong), [0, 0, 0, 0, 0, 0, 0, 0x80]) == .int(.min))
        #expect(try decode(integer(.longlong), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) == .int(.max))
        #expect(try decode(integer(.longlong, unsigned: true), [UInt8](repeating: 0xFF, count: 8)) == .uint(.max))
    }

    @Test func floatingPoint() throws {
        #expect(try decode(ColumnDescriptor(type: .float, metadata: 4), [0xCD, 0xCC, 0x8C, 0x3F]) == .float(1.1))
        #expect(try decode(ColumnDescriptor(type: .double, metadata: 8), [0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0xBF]) == .double(-0.1))
    }

    func decimal(_ precision: UInt16, _ scale: UInt16) -> ColumnDescriptor {
        ColumnDescriptor(type: .newdecimal, metadata: precision << 8 | scale)
    }

    @Test func decimals() throws {
        #expect(try decode(decimal(14, 4), [0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2]) == .decimal("1234567890.1234"))
        #expect(try decode(decimal(14, 4), [0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D]) == .decimal("-1234567890.1234"))
        #expect(try decode(decimal(5, 3), [0x73, 0xFE, 0xAB]) == .decimal("-12.340"))
        #expect(try decode(decimal(4, 4), [0x93, 0x88]) == .decimal("0.5000"))
        #expect(try decode(decimal(10, 6), [0x7F, 0xFF, 0xFF, 0xFF, 0xFE]) == .decimal("-0.000001"))
        #expect(try decode(decimal(10, 0), [0x80, 0x00, 0x00, 0x00, 0x00]) == .decimal("0"))
        let largest: [UInt8] = [
            0x85, 0xF5, 0xE0, 0xFF, 0x3B, 0x9A, 0xC9, 0xFF, 0x3B, 0x9A, 0xC9, 0xFF, 0x3B, 0x9A, 0xC9, 0xFF,
            0x3B, 0x9A, 0xC9, 0xFF, 0x3B, 0x9A, 0xC9, 0xFF, 0x3B, 0x9A, 0xC9, 0xFF, 0x03, 0xE7,
        ]
        #expect(try decode(decimal(65, 30), largest) == .decimal(String(repeating: "9", count: 35) + "." + String(repeating: "9", count: 30)))
        let negative: [UInt8] = [
            0x7F, 0x43, 0x9E, 0xB1, 0xCA, 0x48, 0x40, 0x78, 0xCA, 0xF1, 0xCB, 0x3F, 0xD0, 0xF8, 0xA0, 0x86,
            0xF8, 0xA4, 0x32, 0xEA, 0xFF, 0x43, 0x9E, 0xB1, 0xCA, 0x48, 0x40, 0x78, 0xFC, 0x85,
        ]
        #expect(try decode(decimal(65, 30), negative) == .decimal("-12345678901234567890123456789012345.123456789012345678901234567890"))
    }

    @Test func decimalWithImpossibleDigitsIsAnError() throws {
        // A 4-byte group holding 4294967295 has more than nine digits.
        #expect(throws: BinlogError.self) { try decode(decimal(10, 0), [0x80, 0xFF, 0xFF, 0xFF, 0xFF]) }
    }

    @Test func year() throws {
        #expect(try decode(ColumnDescriptor(type: .year), [0]) == .null)
        #expect(try decode(ColumnDescriptor(type: .year), [124]) == .int(2024))
        #expect(try decode(ColumnDescriptor(type: .year), [255]) == .int(2155))
    }

    @Test func dates() throws {
        #expect(try decode(ColumnDescriptor(type: .date), [0x5D, 0xD0, 0x0F]) == .date(MySQLDate(year: 2024, month: 2, day: 29)))
        #expect(try decode(ColumnDescriptor(type: .date), [0, 0, 0]) == .null)
        // 2024-00-10: zero month.
        #expect(try decode(ColumnDescriptor(type: .date), [0x0A, 0xD0, 0x0F]) == .null)
        // 2024-02-00: zero day.
        #expect(try decode(ColumnDescriptor(type: .date), [0x40, 0xD0, 0x0F]) == .null)
    }

    @Test func datetime2WithMicroseconds() throws {
        let column = ColumnDescriptor(type: .datetime2, metadata: 6)
        let expected = MySQLDateTime(date: MySQLDate(year: 2024, month: 2, day: 29), hour: 23, minute: 59, second: 59, microsecond: 999_999, fsp: 6)
        #expect(try decode(column, [0x99, 0xB2, 0xBB, 0x7E, 0xFB, 0x0F, 0x42, 0x3F]) == .datetime(expected))
        #expect(try decode(ColumnDescriptor(type: .datetime2, metadata: 0), [0x8C, 0xB2, 0x42, 0x00, 0x00])
            == .datetime(MySQLDateTime(date: MySQLDate(year: 1000, month: 1, day: 1), hour: 0, minute: 0, second: 0, microsecond: 0, fsp: 0)))
        #expect(try decode(ColumnDescriptor(type: .datetime2, metadata: 0), [0x80, 0, 0, 0, 0]) == .null)
    }

    @Test func timestamp2WithMilliseconds() throws {
        let column = ColumnDescriptor(type: .timestamp2, metadata: 3)
        #expect(try decode(column, [0x65, 0x53, 0xF1, 0x00, 0x04, 0xCE]) == .timestamp(MySQLTimestamp(seconds: 1_700_000_000, microsecond: 123_000, fsp: 3)))
        #expect(try decode(column, [0, 0, 0, 0, 0, 0]) == .null)
    }

    @Test func time2NegativeAndBeyondADay() throws {
        let whole = ColumnDescriptor(type: .time2, metadata: 0)
        #expect(try decode(whole, [0xB4, 0x6E, 0xFB]) == .time(MySQLTime(isNegative: false, hours: 838, minutes: 59, seconds: 59, microsecond: 0, fsp: 0)))
        #expect(try decode(whole, [0x4B, 0x91, 0x05]) == .time(MySQLTime(isNegative: true, hours: 838, minutes: 59, seconds: 59, microsecond: 0, fsp: 0)))
        // The server's own table (sql-common/my_time.cc): 7FFFFF.FF is -00:00:00.01, 7FFFFE.F6 -00:00:01.10.
        let hundredths = ColumnDescriptor(type: .time2, metadata: 2)
        #expect(try decode(hundredths, [0x7F, 0xFF, 0xFF, 0xFF]) == .time(MySQLTime(isNegative: true, hours: 0, minutes: 0, seconds: 0, microsecond: 10_000, fsp: 2)))
        #expect(try decode(hundredths, [0x7F, 0xFF, 0xFE, 0xF6]) == .time(MySQLTime(isNegative: true, hours: 0, minutes: 0, seconds: 1, microsecond: 100_000, fsp: 2)))
        #expect(try decode(ColumnDescriptor(type: .time2, metadata: 3), [0x80, 0xC8, 0xB8, 0x1E, 0xD2])
            == .time(MySQLTime(isNegative: false, hours: 12, minutes: 34, seconds: 56, microsecond: 789_000, fsp: 3)))
        #expect(try decode(ColumnDescriptor(type: .time2, metadata: 4), [0x7F, 0xFF, 0xFF, 0xEC, 0x78])
            == .time(MySQLTime(isNegative: true, hours: 0, minutes: 0, seconds: 0, microsecond: 500_000, fsp: 4)))
        #expect(try decode(ColumnDescriptor(type: .time2, metadata: 6), [0x7F, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF])
            == .time(MySQLTime(isNegative: true, hours: 0, minutes: 0, seconds: 1, microsecond: 1, fsp: 6)))
    }

    @Test func oldTemporalLayouts() throws {
        #expect(try decode(ColumnDescriptor(type: .time), [0xC0, 0x1D, 0xFE]) == .time(MySQLTime(isNegative: true, hours: 12, minutes: 34, seconds: 56, microsecond: 0, fsp: 0)))
        let datetime: UInt64 = 20_010_203_040_506
        #expect(try decode(ColumnDescriptor(type: .datetime), withUnsafeBytes(of: datetime.littleEndian, Array.init))
            == .datetime(MySQLDateTime(date: MySQLDate(year: 2001, month: 2, day: 3), hour: 4, minute: 5, second: 6, microsecond: 0, fsp: 0)))
        #expect(try decode(ColumnDescriptor(type: .datetime), [UInt8](repeating: 0, count: 8)) == .null)
        #expect(try decode(ColumnDescriptor(type: .timestamp), [0x00, 0xF1, 0x53, 0x65]) == .timestamp(MySQLTimestamp(seconds: 1_700_000_000, microsecond: 0, fsp: 0)))
        #expect(try decode(ColumnDescriptor(type: .timestamp), [0, 0, 0, 0]) == .null)
    }

    @Test func stringsByCollation() throws {
        let utf8 = ColumnDescriptor(type: .varchar, metadata: 300, collation: 45)
        #expect(try decode(utf8, [0x05, 0x00, 0x68, 0xC3, 0xA9, 0x21, 0x21]) == .string("hé!!"))
        // latin1 is Windows-1252: 0xE9 é, 0x80 €.
        let latin1 = ColumnDescriptor(type: .varchar, metadata: 40, collation: 8)
        #expect(try decode(latin1, [0x06, 0x63, 0x61, 0x66, 0xE9, 0x20, 0x80]) == .string("café €"))
        let unknown = ColumnDescriptor(type: .string, metadata: 20)
        #expect(try decode(unknown, [0x02, 0x6F, 0x6B]) == .string("ok"))
        let varbinary = ColumnDescriptor(type: .varchar, metadata: 16, collation: 63)
        #expect(try decode(varbinary, [0x02, 0xAB, 0x00]) == .bytes([0xAB, 0x00]))
        // BINARY(4) is logged without its trailing zero bytes; they come back.
        let binary = ColumnDescriptor(type: .string, metadata: 4, collation: 63)
        #expect(try decode(binary, [0x02, 0xAB, 0xCD]) == .bytes([0xAB, 0xCD, 0x00, 0x00]))
        let text = ColumnDescriptor(type: .blob, metadata: 2, collation: 255)
        #expect(try decode(text, [0x03, 0x00, 0x66, 0x6F, 0x6F]) == .string("foo"))
        let blobWithoutCollation = ColumnDescriptor(type: .blob, metadata: 1)
        #expect(try decode(blobWithoutCollation, [0x02, 0xFF, 0xFE]) == .bytes([0xFF, 0xFE]))
        let mariaJSON = ColumnDescriptor(type: .blob, metadata: 4, collation: 46, isJSONText: true)
        #expect(try decode(mariaJSON, [0x02, 0x00, 0x00, 0x00, 0x7B, 0x7D]) == .jsonText("{}"))
    }

    @Test func enumAndSetLabels() throws {
        let enumeration = ColumnDescriptor(type: .enum, metadata: 1, enumLabels: ["small", "large"])
        #expect(try decode(enumeration, [2]) == .enumeration(index: 2, label: "large"))
        #expect(try decode(enumeration, [0]) == .enumeration(index: 0, label: ""))
        #expect(try decode(ColumnDescriptor(type: .enum, metadata: 2), [0x2C, 0x01]) == .enumeration(index: 300, label: nil))
        let set = ColumnDescriptor(type: .set, metadata: 1, setLabels: ["a", "b", "c", "d"])
        #expect(try decode(set, [0b1010]) == .set(bits: 0b1010, labels: ["b", "d"]))
        #expect(try decode(set, [0]) == .set(bits: 0, labels: []))
        #expect(try decode(ColumnDescriptor(type: .set, metadata: 8), [UInt8](repeating: 0xFF, count: 8)) == .set(bits: .max, labels: nil))
    }

    @Test func bits() throws {
        #expect(try decode(ColumnDescriptor(type: .bit, metadata: 64), [UInt8](repeating: 0xFF, count: 8)) == .bit(.max))
        #expect(try decode(ColumnDescriptor(type: .bit, metadata: 3), [0b100]) == .bit(4))
        #expect(try decode(ColumnDescriptor(type: .bit, metadata: 10), [0x02, 0x01]) == .bit(0x201))
    }

    @Test func geometryAndVector() throws {
        let wkbPoint: [UInt8] = [0x01, 0x01, 0x00, 0x00, 0x00] + [UInt8](repeating: 0, count: 16)
        let geometry = ColumnDescriptor(type: .geometry, metadata: 4)
        #expect(try decode(geometry, [25, 0, 0, 0, 0xE6, 0x10, 0, 0] + wkbPoint) == .geometry(srid: 4326, wkb: wkbPoint))
        let vector = ColumnDescriptor(type: .vector, metadata: 4)
        #expect(try decode(vector, [8, 0, 0, 0, 0xCD, 0xCC, 0x8C, 0x3F, 0x00, 0x00, 0x80, 0xBF]) == .vector([1.1, -1]))
        #expect(throws: BinlogError.self) { try decode(vector, [3, 0, 0, 0, 1, 2, 3]) }
    }

    @Test func unknownColumnTypeIsAnError() throws {
        let error = #expect(throws: BinlogError.self) { try decode(ColumnDescriptor(type: .typedArray), [0]) }
        #expect(error?.kind == .unknownColumnType)
        #expect(error?.message.contains("typedArray(20)") == true)
    }

    @Test func truncatedValueIsAnError() throws {
        let error = #expect(throws: BinlogError.self) { try decode(ColumnDescriptor(type: .varchar, metadata: 10), [0x05, 0x61]) }
        #expect(error?.kind == .truncated)
        #expect(throws: BinlogError.self) { try decode(ColumnDescriptor(type: .blob, metadata: 4), [0xFF, 0xFF, 0xFF, 0xFF]) }
    }
}
