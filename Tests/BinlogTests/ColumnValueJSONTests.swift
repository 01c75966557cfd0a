import Foundation
import NIOCore
import Testing

@testable import Binlog

@Suite struct ColumnValueJSONTests {
    private func json(_ value: ColumnValue) -> String {
        jsonText { value.writeJSON(into: &$0) }
    }

    private let leapDay = MySQLDate(year: 2024, month: 2, day: 29)

    @Test func integers() {
        #expect(self.json(.int(.min)) == "-9223372036854775808")
        #expect(self.json(.uint(.max)) == "18446744073709551615")
        #expect(self.json(.int(2024)) == "2024")  // YEAR
        #expect(self.json(.bit(0b1010_0101)) == "165")
    }

    @Test func floatingPoint() {
        #expect(self.json(.float(1.1)) == "1.1")
        #expect(self.json(.double(0.1)) == "0.1")
        #expect(self.json(.float(-0.0)) == "-0.0")
        #expect(self.json(.double(.nan)) == "null")
        #expect(self.json(.double(.infinity)) == "null")
    }

    @Test func decimalKeepsItsDigits() {
        #expect(self.json(.decimal("-12.340")) == "-12.340")
        #expect(self.json(.decimal("0.00")) == "0.00")
    }

    @Test func dates() {
        #expect(self.json(.date(self.leapDay)) == #""2024-02-29""#)
        #expect(self.json(.date(MySQLDate(year: 1, month: 1, day: 1))) == #""0001-01-01""#)
        #expect(self.json(.date(MySQLDate(year: 2024, month: 0, day: 1))) == "null")
        #expect(self.json(.date(MySQLDate(year: 2024, month: 1, day: 0))) == "null")
    }

    @Test func datetimesPrintFspFractionDigits() {
        let value = MySQLDateTime(date: self.leapDay, hour: 23, minute: 59, second: 59, microsecond: 120_000, fsp: 3)
        #expect(self.json(.datetime(value)) == #""2024-02-29T23:59:59.120""#)
        var whole = value
        whole.fsp = 0
        #expect(self.json(.datetime(whole)) == #""2024-02-29T23:59:59""#)
        var micro = value
        micro.microsecond = 5
        micro.fsp = 6
        #expect(self.json(.datetime(micro)) == #""2024-02-29T23:59:59.000005""#)
        var zero = value
        zero.date = MySQLDate(year: 0, month: 0, day: 0)
        #expect(self.json(.datetime(zero)) == "null")
    }

    @Test func timestampsAreUTC() {
        #expect(self.json(.timestamp(MySQLTimestamp(seconds: 0, microsecond: 0, fsp: 0))) == #""1970-01-01T00:00:00Z""#)
        #expect(
            self.json(.timestamp(MySQLTimestamp(seconds: 2_147_483_647, microsecond: 999_999, fsp: 6)))
                == #""2038-01-19T03:14:07.999999Z""#
        )
        #expect(
            self.json(.timestamp(MySQLTimestamp(seconds: 951_782_400 + 86_399, microsecond: 500_000, fsp: 1)))
                == #""2000-02-29T23:59:59.5Z""#
        )
        // MySQL 8.0.28 raised the limit to 3001-01-18 23:59:59.999999 UTC on 64-bit platforms.
        #expect(
            self.json(.timestamp(MySQLTimestamp(seconds: 32_536_771_199, microsecond: 0, fsp: 0)))
                == #""3001-01-18T23:59:59Z""#
        )
    }

    @Test func times() {
        let minimum = MySQLTime(isNegative: true, hours: 838, minutes: 59, seconds: 59, microsecond: 0, fsp: 6)
        #expect(self.json(.time(minimum)) == #""-838:59:59.000000""#)
        let short = MySQLTime(isNegative: false, hours: 5, minutes: 4, seconds: 3, microsecond: 20_000, fsp: 2)
        #expect(self.json(.time(short)) == #""05:04:03.02""#)
        let zero = MySQLTime(isNegative: false, hours: 0, minutes: 0, seconds: 0, microsecond: 0, fsp: 0)
        #expect(self.json(.time(zero)) == #""00:00:00""#)
    }

    @Test func stringsAreEscaped() {
        #expect(self.json(.string("say \"hi\"\\\n\u{1}😀")) == #""say \"hi\"\\\n\u0001😀""#)
    }

    @Test func bytesAreBase64() {
        #expect(self.json(.bytes([0xCA, 0xFE])) == #""yv4=""#)
        #expect(self.json(.bytes([0, 1, 2])) == #""AAEC""#)
        #expect(self.json(.bytes([])) == #""""#)
    }

    @Test func enumsAndSets() {
        #expect(self.json(.enumeration(index: 2, label: "medium")) == #""medium""#)
        #expect(self.json(.enumeration(index: 3, label: nil)) == "3")
        #expect(self.json(.set(bits: 0b101, labels: ["a", "c"])) == #"["a","c"]"#)
        #expect(self.json(.set(bits: 0, labels: [])) == "[]")
        #expect(self.json(.set(bits: 0b101, labels: nil)) == "5")
    }

    @Test func jsonIsEmbedded() {
        let document = JSONValue.object([
            (key: "b", value: .array([.int(-1), .uint(2), .double(2.5), .bool(false), .null])),
            (key: "a", value: .string("x\"y")),
        ])
        #expect(self.json(.json(document)) == #"{"b":[-1,2,2.5,false,null],"a":"x\"y"}"#)
        #expect(self.json(.jsonText(#"{"a": [1, 2]}"#)) == #"{"a": [1, 2]}"#)
        #expect(self.json(.jsonText("")) == "null")
    }

    @Test func geometryIsGeoJSONAndBadWKBIsNull() {
        let point: [UInt8] = [0x01, 0x01, 0x00, 0x00, 0x00] + GeoJSONTests.littleEndian(1.5) + GeoJSONTests.littleEndian(-2)
        #expect(self.json(.geometry(srid: 0, wkb: point)) == #"{"type":"Point","coordinates":[1.5,-2.0]}"#)
        #expect(self.json(.geometry(srid: 0, wkb: Array(point.dropLast()))) == "null")
    }

    @Test func vectorsAndNull() {
        #expect(self.json(.vector([1.1, -0.5, 3])) == "[1.1,-0.5,3.0]")
        #expect(self.json(.vector([])) == "[]")
        #expect(self.json(.null) == "null")
    }

    @Test func everyCaseIsValidJSON() throws {
        let values: [ColumnValue] = [
            .null, .int(-1), .uint(1), .float(1.5), .double(-2.25), .decimal("1.0"), .date(self.leapDay),
            .datetime(MySQLDateTime(date: self.leapDay, hour: 1, minute: 2, second: 3, microsecond: 4, fsp: 6)),
            .timestamp(MySQLTimestamp(seconds: 1, microsecond: 0, fsp: 0)),
            .time(MySQLTime(isNegative: true, hours: 100, minutes: 0, seconds: 0, microsecond: 0, fsp: 0)),
            .string("\u{0}\u{1F}\"\\"), .bytes([1, 2, 3, 4]), .enumeration(index: 1, label: "x"),
            .set(bits: 1, labels: ["y"]), .bit(1), .json(.object([(key: "k", value: .array([]))])),
            .jsonText("[1]"), .geometry(srid: 4326, wkb: [0x01, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
            .vector([0.25]),
        ]
        let text = jsonText { buffer in
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                value.writeJSON(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        }
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [Any]
        #expect(parsed?.count == values.count, "\(text)")
    }
}
