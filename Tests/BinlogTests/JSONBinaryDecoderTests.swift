import NIOCore
import Testing

@testable import Binlog

@Suite struct JSONBinaryDecoderTests {
    private func decode(_ bytes: [UInt8]) throws(BinlogError) -> JSONValue {
        try JSONBinaryDecoder.decode(ByteBuffer(bytes: bytes))
    }

    private func expectMalformed(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let value = try self.decode(bytes)
            Issue.record("decoded \(value) from malformed input", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == .malformed, sourceLocation: sourceLocation)
        }
    }

    @Test func emptyBytesAreNull() throws {
        #expect(try self.decode([]) == .null)
    }

    @Test func literals() throws {
        #expect(try self.decode([0x04, 0x00]) == .null)
        #expect(try self.decode([0x04, 0x01]) == .bool(true))
        #expect(try self.decode([0x04, 0x02]) == .bool(false))
    }

    @Test func integersAtTheirLimits() throws {
        #expect(try self.decode([0x05, 0x00, 0x80]) == .int(-32768))
        #expect(try self.decode([0x06, 0xFF, 0xFF]) == .uint(65535))
        #expect(try self.decode([0x07, 0x00, 0x00, 0x00, 0x80]) == .int(Int64(Int32.min)))
        #expect(try self.decode([0x08, 0xFF, 0xFF, 0xFF, 0xFF]) == .uint(UInt64(UInt32.max)))
        #expect(try self.decode([0x09, 0, 0, 0, 0, 0, 0, 0, 0x80]) == .int(.min))
        #expect(try self.decode([0x0A] + [UInt8](repeating: 0xFF, count: 8)) == .uint(.max))
    }

    @Test func double() throws {
        // 1.5 is 0x3FF8000000000000, stored little-endian.
        #expect(try self.decode([0x0B, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F]) == .double(1.5))
    }

    @Test func strings() throws {
        #expect(try self.decode([0x0C, 0x03, 0x61, 0x62, 0x63]) == .string("abc"))
        #expect(try self.decode([0x0C, 0x04, 0xF0, 0x9F, 0x98, 0x80]) == .string("😀"))
        // 200 needs two length bytes: 0x48 with the continuation bit, then 1.
        let long = String(repeating: "x", count: 200)
        #expect(try self.decode([0x0C, 0xC8, 0x01] + Array(long.utf8)) == .string(long))
    }

    @Test func opaqueKeepsFieldTypeAndBytes() throws {
        // DECIMAL(5,3) 12.340: precision, scale, then decimal2bin bytes.
        #expect(
            try self.decode([0x0F, 0xF6, 0x05, 0x05, 0x03, 0x8C, 0x01, 0x54])
                == .opaque(type: .newdecimal, bytes: [0x05, 0x03, 0x8C, 0x01, 0x54])
        )
        #expect(try self.decode([0x0F, 0xFC, 0x02, 0xCA, 0xFE]) == .opaque(type: .blob, bytes: [0xCA, 0xFE]))
    }

    @Test func smallObjectKeepsStoredKeyOrder() throws {
        // {"a": 1, "b": "xy"}: count 2, size 23; key entries (offset, length); value entries
        // (type, inlined value or offset); keys; then the string.
        let bytes: [UInt8] = [
            0x00,
            0x02, 0x00, 0x17, 0x00,
            0x12, 0x00, 0x01, 0x00,
            0x13, 0x00, 0x01, 0x00,
            0x05, 0x01, 0x00,
            0x0C, 0x14, 0x00,
            0x61, 0x62,
            0x02, 0x78, 0x79,
        ]
        #expect(try self.decode(bytes) == .object([(key: "a", value: .int(1)), (key: "b", value: .string("xy"))]))
    }

    @Test func smallArrayInlinesOnlySixteenBitValues() throws {
        // [true, 70000]: the int32 is not inlined in the small format, it sits at offset 10.
        let bytes: [UInt8] = [
            0x02,
            0x02, 0x00, 0x0E, 0x00,
            0x04, 0x01, 0x00,
            0x07, 0x0A, 0x00,
            0x70, 0x11, 0x01, 0x00,
        ]
        #expect(try self.decode(bytes) == .array([.bool(true), .int(70000)]))
    }

    @Test func largeObjectInlinesThirtyTwoBitValues() throws {
        // {"k": 70000}: 4-byte count and size, 6-byte key entry, 5-byte value entry.
        let bytes: [UInt8] = [
            0x01,
            0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
            0x13, 0x00, 0x00, 0x00, 0x01, 0x00,
            0x07, 0x70, 0x11, 0x01, 0x00,
            0x6B,
        ]
        #expect(try self.decode(bytes) == .object([(key: "k", value: .int(70000))]))
    }

    @Test func largeArray() throws {
        // [1, -1, 4294967295]: int16s and a uint32 all inlined in 4-byte slots.
        let bytes: [UInt8] = [
            0x03,
            0x03, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00,
            0x05, 0x01, 0x00, 0x00, 0x00,
            0x05, 0xFF, 0xFF, 0xFF, 0xFF,
            0x08, 0xFF, 0xFF, 0xFF, 0xFF,
        ]
        #expect(try self.decode(bytes) == .array([.int(1), .int(-1), .uint(4_294_967_295)]))
    }

    @Test func nestedContainers() throws {
        let value = JSONValue.object([
            (key: "id", value: .uint(1 << 40)),
            (key: "tags", value: .array([.string("a"), .null, .double(-0.25), .array([])])),
            (key: "owner", value: .object([(key: "name", value: .string("Zoë")), (key: "age", value: .int(-70000))])),
        ])
        #expect(try self.decode(BinaryJSONBuilder.document(value)) == value)
    }

    @Test func documentOver64KiBUsesTheLargeFormat() throws {
        let value = JSONValue.object([
            (key: "blob", value: .string(String(repeating: "é", count: 40_000))),
            (key: "list", value: .array((0..<1000).map { .int(Int64($0) * 1000) })),
        ])
        let bytes = BinaryJSONBuilder.document(value)
        #expect(bytes.count > 65_536)
        #expect(bytes[0] == 0x01)
        #expect(try self.decode(bytes) == value)
    }

    @Test func nestingUpToMySQLsLimitDecodes() throws {
        #expect(try self.decode(self.nestedArrays(depth: 100)) != .null)
        self.expectMalformed(self.nestedArrays(depth: 101))
    }

    @Test func malformedInputThrows() {
        self.expectMalformed([0x0D])  // unknown type
        self.expectMalformed([0x04, 0x03])  // unknown literal
        self.expectMalformed([0x04])  // literal without its byte
        self.expectMalformed([0x09, 0x01, 0x02])  // truncated int64
        self.expectMalformed([0x0C, 0x05, 0x61])  // string longer than the data
        self.expectMalformed([0x0C, 0x02, 0xC3, 0x28])  // invalid UTF-8
        self.expectMalformed([0x0C, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])  // length over five bytes
        self.expectMalformed([0x0F, 0x63, 0x00])  // opaque of an unknown field type
        self.expectMalformed([0x02, 0x01])  // truncated header
        self.expectMalformed([0x02, 0x01, 0x00, 0x40, 0x00])  // size past the end
        self.expectMalformed([0x02, 0xFF, 0x00, 0x07, 0x00, 0x04, 0x00, 0x00])  // entries exceed size
        // A value offset that points back into the header.
        self.expectMalformed([0x02, 0x01, 0x00, 0x07, 0x00, 0x0C, 0x02, 0x00])
        // A key whose bytes run past the object.
        self.expectMalformed([0x00, 0x01, 0x00, 0x0B, 0x00, 0x0B, 0x00, 0x09, 0x00, 0x04, 0x00, 0x00])
    }

    @Test func sharedSubtreesCannotExpandExponentially() {
        // Forty levels of two-element arrays whose entries both point at the next level: 2^40
        // elements if followed naively.
        var level: [UInt8] = [0x00, 0x00, 0x04, 0x00]
        for _ in 0..<40 {
            let size = 10 + level.count
            level = [0x02, 0x00, UInt8(size & 0xFF), UInt8(size >> 8), 0x02, 0x0A, 0x00, 0x02, 0x0A, 0x00] + level
        }
        self.expectMalformed([0x02] + level)
    }

    /// `[[[…[]…]]]` with `depth` arrays.
    private func nestedArrays(depth: Int) -> [UInt8] {
        var level: [UInt8] = [0x00, 0x00, 0x04, 0x00]
        for _ in 1..<depth {
            let size = 7 + level.count
            level = [0x01, 0x00, UInt8(size & 0xFF), UInt8(size >> 8), 0x02, 0x07, 0x00] + level
        }
        return [0x02] + level
    }
}
