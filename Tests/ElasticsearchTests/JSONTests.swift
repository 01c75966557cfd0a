import NIOCore
import Testing

@testable import Elasticsearch

@Suite struct JSONTests {
    private func parse(_ text: String) throws -> JSON {
        try JSON(parsing: ByteBuffer(string: text))
    }

    @Test func numbersKeepTheirLiteral() throws {
        let value = try self.parse(#" {"d":-12.340,"u":18446744073709551615,"e":1.5E+3,"z":0} "#)
        #expect(value["d"] == .number("-12.340"))
        #expect(value["u"]?.uint64Value == UInt64.max)
        #expect(value["e"] == .number("1.5E+3"))
        #expect(value["z"]?.intValue == 0)
        #expect(value.description == #"{"d":-12.340,"u":18446744073709551615,"e":1.5E+3,"z":0}"#)
    }

    @Test func objectsKeepOrderAndNesting() throws {
        let value = try self.parse(#"{"b":[true,false,null,{}],"a":{"x":[]}}"#)
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(value["b"] == .array([.bool(true), .bool(false), .null, .object([])]))
        #expect(value["a"]?["x"] == .array([]))
    }

    @Test func stringEscapes() throws {
        let value = try self.parse(#"["a\"b\\c\/d\n\t\r\b\f", "\u00e9\u4e2d", "\ud83d\ude00", "\ud800x", "plain ünïcode"]"#)
        #expect(
            value.arrayValue?.compactMap(\.stringValue) == [
                "a\"b\\c/d\n\t\r\u{08}\u{0C}", "é中", "😀", "\u{FFFD}x", "plain ünïcode",
            ]
        )
        // Writing escapes again what needs it.
        #expect(try self.parse(#"["a\"\n"]"#).description == #"["a\"\n"]"#)
    }

    @Test(arguments: [
        ("", 0), ("{", 1), (#"{"a" 1}"#, 5), ("[1,]", 3), ("01", 1), ("-", 1), ("1.", 2), ("1e", 2),
        ("tru", 3), (#""abc"#, 4), ("\"a\u{01}\"", 2), (#""\x""#, 2), (#""\u12g4""#, 5), ("[1] x", 4),
    ])
    func malformedTextIsRefusedWithItsOffset(text: String, offset: Int) {
        do throws(JSONParsingError) {
            _ = try JSON(parsing: ByteBuffer(string: text))
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
        }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONParsingError.self) { try self.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try self.parse(fine) }
    }
}
