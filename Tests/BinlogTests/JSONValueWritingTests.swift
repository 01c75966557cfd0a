import NIOCore
import Testing

@testable import Binlog

@Suite struct JSONValueWritingTests {
    private func json(_ value: JSONValue) -> String {
        jsonText { value.writeJSON(into: &$0) }
    }

    /// Eight little-endian bytes of a packed temporal integer.
    private func packed(_ value: Int64) -> [UInt8] {
        BinaryJSONBuilder.littleEndian(UInt64(bitPattern: value))
    }

    /// `TIME_to_longlong_datetime_packed` for the given fields.
    private func packedDateTime(_ year: Int64, _ month: Int64, _ day: Int64, _ hour: Int64 = 0, _ minute: Int64 = 0, _ second: Int64 = 0, _ micro: Int64 = 0) -> [UInt8] {
        let ymd = (year * 13 + month) << 5 | day
        let hms = hour << 12 | minute << 6 | second
        return self.packed((ymd << 17 | hms) << 24 + micro)
    }

    @Test func scalarsAndContainers() {
        #expect(self.json(.object([])) == "{}")
        #expect(self.json(.array([.object([(key: "", value: .null)])])) == #"[{"":null}]"#)
        #expect(self.json(.double(1e300)) == "1e+300")
        #expect(self.json(.double(3)) == "3.0")
        #expect(self.json(.uint(.max)) == "18446744073709551615")
    }

    @Test func opaqueDecimalIsANumberWithItsScale() {
        #expect(self.json(.opaque(type: .newdecimal, bytes: [0x05, 0x03, 0x8C, 0x01, 0x54])) == "12.340")
        #expect(self.json(.opaque(type: .newdecimal, bytes: [0x05, 0x03, 0x73, 0xFE, 0xAB])) == "-12.340")
    }

    @Test func opaqueTemporalsPrintLikeJSONExtract() {
        #expect(self.json(.opaque(type: .date, bytes: self.packedDateTime(2024, 2, 29))) == #""2024-02-29""#)
        #expect(
            self.json(.opaque(type: .datetime, bytes: self.packedDateTime(2024, 2, 29, 23, 59, 59, 120_000)))
                == #""2024-02-29 23:59:59.120000""#
        )
        #expect(
            self.json(.opaque(type: .timestamp, bytes: self.packedDateTime(1970, 1, 1, 0, 0, 1)))
                == #""1970-01-01 00:00:01.000000""#
        )
        let time = Int64(838 << 12 | 59 << 6 | 59) << 24
        #expect(self.json(.opaque(type: .time, bytes: self.packed(-time))) == #""-838:59:59.000000""#)
        #expect(self.json(.opaque(type: .time, bytes: self.packed(Int64(1 << 12) << 24 + 5))) == #""01:00:00.000005""#)
    }

    @Test func otherOpaqueValuesUseMySQLsBase64Form() {
        #expect(self.json(.opaque(type: .blob, bytes: [0xCA, 0xFE])) == #""base64:type252:yv4=""#)
        #expect(self.json(.opaque(type: .varString, bytes: Array("hi\"".utf8))) == #""hi\"""#)
        // MySQL's base64_encode breaks lines every 76 characters.
        let long = [UInt8](repeating: 0, count: 60)
        #expect(
            self.json(.opaque(type: .string, bytes: long))
                == "\"base64:type254:" + String(repeating: "A", count: 76) + "\\n" + String(repeating: "A", count: 4) + "\""
        )
        // Bytes that do not decode as their type fall back to the same form rather than guessing.
        #expect(self.json(.opaque(type: .date, bytes: [1, 2])) == #""base64:type10:AQI=""#)
        #expect(self.json(.opaque(type: .newdecimal, bytes: [0x05])) == #""base64:type246:BQ==""#)
    }
}
