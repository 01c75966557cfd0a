import NIOCore
import Testing

@testable import Binlog

@Suite struct JSONDiffTests {
    /// One diff as `Json_diff::write_binary` lays it out.
    private func diffBytes(_ operation: UInt8, _ path: String, _ value: JSONValue? = nil) -> [UInt8] {
        var bytes = [operation, UInt8(path.utf8.count)] + Array(path.utf8)
        if let value {
            let document = BinaryJSONBuilder.document(value)
            bytes += [UInt8(document.count)] + document
        }
        return bytes
    }

    private let before = JSONValue.object([
        (key: "a", value: .int(1)),
        (key: "arr", value: .array([.int(10), .int(20), .int(30)])),
        (key: "nested", value: .object([(key: "my key", value: .string("old"))])),
    ])

    private func apply(_ diffs: [JSONDiff]) throws(BinlogError) -> JSONValue {
        try JSONDiff.apply(diffs, to: self.before)
    }

    @Test func decodesEachOperation() throws {
        let bytes =
            self.diffBytes(0, "$.a", .string("x")) + self.diffBytes(1, #"$."my key"[last]"#, .bool(true))
            + self.diffBytes(2, "$.arr[1]")
        let diffs = try JSONDiff.decodeList(ByteBuffer(bytes: bytes))
        #expect(
            diffs == [
                JSONDiff(operation: .replace, path: "$.a", value: .string("x")),
                JSONDiff(operation: .insert, path: #"$."my key"[last]"#, value: .bool(true)),
                JSONDiff(operation: .remove, path: "$.arr[1]", value: nil),
            ]
        )
    }

    @Test func decodesLongPathsWithLengthEncodedLengths() throws {
        let key = String(repeating: "k", count: 300)
        let path = "$." + key
        // 302 does not fit one byte: 0xFC then a 2-byte little-endian length.
        let bytes: [UInt8] = [2, 0xFC, 0x2E, 0x01] + Array(path.utf8)
        #expect(try JSONDiff.decodeList(ByteBuffer(bytes: bytes)) == [JSONDiff(operation: .remove, path: path, value: nil)])
    }

    @Test func rejectsMalformedLists() {
        let cases: [[UInt8]] = [
            [3, 1, 0x24],  // unknown operation
            [2, 5, 0x24],  // path past the end
            [2, 0xFB],  // NULL length
            [2, 3, 0x24, 0x2E, 0x2A],  // wildcard path
            [2, 1, 0x61],  // path without $
            [0, 1, 0x24],  // replace without a value
            [0, 3, 0x24, 0x2E, 0x61, 2, 0x04, 0x07],  // value is not binary JSON
        ]
        for bytes in cases {
            #expect(throws: BinlogError.self, "\(bytes)") { try JSONDiff.decodeList(ByteBuffer(bytes: bytes)) }
        }
    }

    @Test func replaceInObjectAndArray() throws {
        let after = try self.apply([
            JSONDiff(operation: .replace, path: "$.a", value: .string("one")),
            JSONDiff(operation: .replace, path: "$.arr[last]", value: .null),
            JSONDiff(operation: .replace, path: #"$.nested."my key""#, value: .array([])),
        ])
        #expect(
            after
                == .object([
                    (key: "a", value: .string("one")),
                    (key: "arr", value: .array([.int(10), .int(20), .null])),
                    (key: "nested", value: .object([(key: "my key", value: .array([]))])),
                ])
        )
    }

    @Test func insertPutsMembersInMySQLKeyOrder() throws {
        let after = try self.apply([
            JSONDiff(operation: .insert, path: "$.zz", value: .int(2)),
            JSONDiff(operation: .insert, path: "$.b", value: .int(3)),
            JSONDiff(operation: .insert, path: "$.nested.x", value: .int(4)),
        ])
        guard case .object(let members) = after else {
            Issue.record("not an object: \(after)")
            return
        }
        // Shorter keys first, then bytewise: a, b, zz, arr, nested.
        #expect(members.map(\.key) == ["a", "b", "zz", "arr", "nested"])
        #expect(members[4].value == .object([(key: "x", value: .int(4)), (key: "my key", value: .string("old"))]))
    }

    @Test func insertIntoArrays() throws {
        let after = try self.apply([
            JSONDiff(operation: .insert, path: "$.arr[0]", value: .int(0)),
            JSONDiff(operation: .insert, path: "$.arr[99]", value: .int(99)),
            JSONDiff(operation: .insert, path: "$.arr[last-1]", value: .int(35)),
        ])
        #expect(
            after == .object([
                (key: "a", value: .int(1)),
                (key: "arr", value: .array([.int(0), .int(10), .int(20), .int(35), .int(30), .int(99)])),
                (key: "nested", value: .object([(key: "my key", value: .string("old"))])),
            ])
        )
    }

    @Test func removeFromObjectAndArray() throws {
        let after = try self.apply([
            JSONDiff(operation: .remove, path: "$.arr[1]", value: nil),
            JSONDiff(operation: .remove, path: " $ . nested . \"my key\" ", value: nil),
            JSONDiff(operation: .remove, path: "$.a", value: nil),
        ])
        #expect(
            after == .object([
                (key: "arr", value: .array([.int(10), .int(30)])),
                (key: "nested", value: .object([])),
            ])
        )
    }

    @Test func quotedKeysDecodeEscapes() throws {
        let document = JSONValue.object([(key: "a\"b\\c\n😀", value: .int(1))])
        let after = try JSONDiff.apply(
            [JSONDiff(operation: .replace, path: #"$."a\"b\\c\n\ud83d\ude00""#, value: .int(2))],
            to: document
        )
        #expect(after == .object([(key: "a\"b\\c\n😀", value: .int(2))]))
    }

    @Test func diffsThatDoNotFitAreRejected() {
        let cases: [JSONDiff] = [
            JSONDiff(operation: .replace, path: "$.missing", value: .null),
            JSONDiff(operation: .replace, path: "$.arr[3]", value: .null),
            JSONDiff(operation: .replace, path: "$.a[0]", value: .null),  // no auto-wrapping
            JSONDiff(operation: .insert, path: "$.a", value: .null),  // member exists
            JSONDiff(operation: .insert, path: "$.missing.x", value: .null),
            JSONDiff(operation: .remove, path: "$.arr[5]", value: nil),
            JSONDiff(operation: .remove, path: "$.nested[0]", value: nil),
            JSONDiff(operation: .replace, path: "$", value: .null),  // MySQL never diffs the root
            JSONDiff(operation: .insert, path: "$.new", value: nil),
        ]
        for diff in cases {
            #expect(throws: BinlogError.self, "\(diff)") { try self.apply([diff]) }
        }
    }
}
