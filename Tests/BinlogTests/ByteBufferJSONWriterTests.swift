import Foundation
import NIOCore
import Testing
import TestSupport

@testable import Binlog

@Suite struct ByteBufferJSONWriterTests {
    @Test func escapesQuotesBackslashesAndControlCharacters() {
        #expect(jsonText { $0.writeJSONString("plain") } == #""plain""#)
        #expect(jsonText { $0.writeJSONString("") } == #""""#)
        #expect(
            jsonText { $0.writeJSONString("q\"b\\n\nr\rt\tb\u{8}f\u{C}x\u{1}y\u{1F}z\u{7F}") }
                == #""q\"b\\n\nr\rt\tb\bf\fx\u0001y\u001fz\#u{7F}""#
        )
        #expect(jsonText { $0.writeJSONString("emoji 😀 and ü") } == "\"emoji 😀 and ü\"")
    }

    @Test func findsEscapesAtEveryPositionOfALongString() {
        for position in 0..<40 {
            var characters = Array(repeating: Character("a"), count: 40)
            characters[position] = "\""
            let expected = "\"" + String(characters).replacingOccurrences(of: "\"", with: "\\\"") + "\""
            #expect(jsonText { $0.writeJSONString(String(characters)) } == expected, "position \(position)")
        }
    }

    @Test func integersAreExact() {
        #expect(jsonText { $0.writeJSONNumber(Int64.min) } == "-9223372036854775808")
        #expect(jsonText { $0.writeJSONNumber(Int64.max) } == "9223372036854775807")
        #expect(jsonText { $0.writeJSONNumber(UInt64.max) } == "18446744073709551615")
        #expect(jsonText { $0.writeJSONNumber(UInt64(0)) } == "0")
        #expect(jsonText { $0.writeJSONNumber(Int64(-7)) } == "-7")
    }

    @Test func integersAroundEveryPowerOfTen() {
        var value: UInt64 = 1
        for _ in 0..<20 {
            for candidate in [value - 1, value, value + 1] {
                #expect(jsonText { $0.writeJSONNumber(candidate) } == String(candidate))
            }
            value = value.multipliedReportingOverflow(by: 10).partialValue
        }
    }

    @Test func floatingPointIsShortestAndNonFiniteIsNull() {
        #expect(jsonText { $0.writeJSONNumber(0.1 as Double) } == "0.1")
        #expect(jsonText { $0.writeJSONNumber(1.1 as Float) } == "1.1")
        #expect(jsonText { $0.writeJSONNumber(1e-5 as Double) } == "1e-05")
        #expect(jsonText { $0.writeJSONNumber(Double.nan) } == "null")
        #expect(jsonText { $0.writeJSONNumber(-Float.infinity) } == "null")
        // Texts longer than a String stores inline, and the longest there is.
        #expect(jsonText { $0.writeJSONNumber(86938.83262941615 as Double) } == "86938.83262941615")
        #expect(jsonText { $0.writeJSONNumber(-2.2250738585072014e-308 as Double) } == "-2.2250738585072014e-308")
        #expect(jsonText { $0.writeJSONNumber(-1.1754942e-38 as Float) } == "-1.1754942e-38")
    }

    @Test func base64IsStandardAndPadded() {
        #expect(jsonText { $0.writeJSONBase64([UInt8]()) } == #""""#)
        #expect(jsonText { $0.writeJSONBase64([0xFB]) } == #""+w==""#)
        #expect(jsonText { $0.writeJSONBase64([0xFB, 0xFF]) } == #""+/8=""#)
        #expect(jsonText { $0.writeJSONBase64(Array("Man".utf8)) } == #""TWFu""#)
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(jsonText { $0.writeJSONBase64(bytes) } == "\"" + Data(bytes).base64EncodedString() + "\"")
    }

    @Test func randomStringsRoundTripThroughFoundation() throws {
        var generator = SplitMix64(seed: 0x5eed)
        // Weighted toward the characters that need escaping, plus multi-byte and astral ones.
        let pool: [Unicode.Scalar] = ["\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "\u{7F}", "a", "Z", "é", "\u{2028}", "中", "😀", "\u{10FFFF}"]
        for _ in 0..<500 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<40, using: &generator) {
                if Bool.random(using: &generator) {
                    scalars.append(pool.randomElement(using: &generator)!)
                } else {
                    let value = UInt32.random(in: 0..<0x11_0000, using: &generator)
                    scalars.append(Unicode.Scalar(value) ?? "?")
                }
            }
            let string = String(scalars)
            let json = jsonText { buffer in
                buffer.writeInteger(UInt8(ascii: "["))
                buffer.writeJSONString(string)
                buffer.writeInteger(UInt8(ascii: "]"))
            }
            let decoded = try JSONDecoder().decode([String].self, from: Data(json.utf8))
            #expect(decoded.count == 1 && Array(decoded[0].unicodeScalars) == Array(string.unicodeScalars), "\(json)")
            let serialized = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
            #expect(serialized.map { Array($0[0].unicodeScalars) } == Array(string.unicodeScalars))
        }
    }

    @Test func randomDoublesAndFloatsRoundTrip() throws {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let double = Double(bitPattern: generator.next())
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard double.isFinite, float.isFinite else { continue }
            let json = jsonText { buffer in
                buffer.writeInteger(UInt8(ascii: "["))
                buffer.writeJSONNumber(double)
                buffer.writeInteger(UInt8(ascii: ","))
                buffer.writeJSONNumber(float)
                buffer.writeInteger(UInt8(ascii: "]"))
            }
            let decoded = try JSONDecoder().decode([Double].self, from: Data(json.utf8))
            #expect(decoded[0] == double, "\(json)")
            #expect(Float(decoded[1]) == float, "\(json)")
        }
    }

    /// Output that does not fit the room is not committed, and the buffer keeps what it had.
    @Test func outputThatDoesNotFitIsNotWritten() {
        var buffer = ByteBuffer(string: "kept")
        // Far more than the few KiB of room the buffer makes.
        let long = String(repeating: "x", count: 1 << 20)
        #expect(!buffer.writeJSONOutputIfItFits { $0.putJSONString(long) })
        #expect(buffer.readableBytes == 4)
        #expect(buffer.writeJSONOutputIfItFits { $0.putJSONString("short") })
        #expect(String(buffer: buffer) == #"kept"short""#)
        // A value without a size bound is not put either.
        #expect(!buffer.writeJSONOutputIfItFits { ColumnValue.json(.null).putJSON(into: &$0) })
        #expect(String(buffer: buffer) == #"kept"short""#)
    }
}
