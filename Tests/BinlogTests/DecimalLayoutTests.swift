import Testing

@testable import Binlog

@Suite struct DecimalLayoutTests {
    private func decode(_ bytes: [UInt8], _ precision: Int, _ scale: Int) throws -> String {
        guard let layout = DecimalLayout(precision: precision, scale: scale) else {
            throw BinlogError(.malformed, "DECIMAL(\(precision),\(scale)) is out of range")
        }
        return try layout.decode(bytes)
    }

    @Test func mysqlDocumentationExample() throws {
        // strings/decimal.cc's own example: 1234567890.1234 as DECIMAL(14,4), and its negation.
        #expect(DecimalLayout(precision: 14, scale: 4)?.byteCount == 7)
        #expect(try self.decode([0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2], 14, 4) == "1234567890.1234")
        #expect(try self.decode([0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D], 14, 4) == "-1234567890.1234")
    }

    @Test func scaleIsKept() throws {
        #expect(try self.decode([0x8C, 0x01, 0x54], 5, 3) == "12.340")
        #expect(try self.decode([0x73, 0xFE, 0xAB], 5, 3) == "-12.340")
        #expect(try self.decode([0x80, 0x00, 0x05], 5, 3) == "0.005")
        #expect(try self.decode([0x80, 0x00, 0x00], 5, 3) == "0.000")
        #expect(try self.decode([0x80, 0x00, 0x00, 0x07], 9, 0) == "7")
        // Leading zero groups vanish, inner ones keep nine digits: 1000000000000000001 as DECIMAL(19,0).
        #expect(try self.decode([0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01], 19, 0) == "1000000000000000001")
    }

    @Test func badInputThrows() {
        #expect(throws: BinlogError.self) { try self.decode([0x8C, 0x01], 5, 3) }  // too few bytes
        #expect(throws: BinlogError.self) { try self.decode([0x8C, 0x01, 0x54], 66, 3) }  // precision
        #expect(throws: BinlogError.self) { try self.decode([0x8C, 0x01, 0x54], 5, 6) }  // scale > precision
        #expect(throws: BinlogError.self) { try self.decode([0xFF, 0x01, 0x54], 5, 3) }  // 127 in two digits
    }
}
