import Binlog
import NIOCore
import Testing

@Suite("GTIDs and GTID sets")
struct GTIDTests {
    let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562"
    let other = "b9b88c66-0755-11f1-9899-4a9da94c4d71"

    @Test func serverUUIDText() throws {
        let parsed = try #require(ServerUUID("3E11FA47-71CA-11E1-9E33-C80AA9429562"))
        #expect(parsed.description == uuid)
        #expect(ServerUUID("3e11fa4771ca11e19e33c80aa9429562") == parsed)
        #expect(ServerUUID("3e11fa47-71ca-11e1-9e33") == nil)
        #expect(ServerUUID("3e11fa47-71ca-11e1-9e33-c80aa942956g") == nil)
        #expect(parsed.bytes.first == 0x3E && parsed.bytes.last == 0x62)
    }

    @Test func mysqlGTIDText() throws {
        #expect(try MySQLGTID("\(uuid):42").description == "\(uuid):42")
        #expect(try MySQLGTID("\(uuid):MyTag:7").description == "\(uuid):mytag:7")
        #expect(throws: BinlogError.self) { try MySQLGTID("\(uuid):0") }
        #expect(throws: BinlogError.self) { try MySQLGTID("\(uuid):9tag:1") }
        #expect(throws: BinlogError.self) { try MySQLGTID("nope:1") }
    }

    @Test func parseAndPrintSets() throws {
        let set = try GTIDSet("\(other):1-3:mytag:5,\n \(uuid):1-5:7:9-10")
        // Sorted by UUID; untagged ranges before tagged ones.
        #expect(set.description == "\(uuid):1-5:7:9-10,\(other):1-3:mytag:5")
        #expect(try GTIDSet("").isEmpty)
        #expect(throws: BinlogError.self) { try GTIDSet("\(uuid):5-1") }
        #expect(throws: BinlogError.self) { try GTIDSet("\(uuid):0-3") }
    }

    @Test func addMergesAdjacentRanges() throws {
        var set = try GTIDSet("\(uuid):1-3:7")
        let source = try #require(ServerUUID(uuid))
        set.add(MySQLGTID(uuid: source, gno: 4))
        #expect(set.description == "\(uuid):1-4:7")
        set.add(MySQLGTID(uuid: source, gno: 6))
        #expect(set.description == "\(uuid):1-4:6-7")
        set.add(MySQLGTID(uuid: source, gno: 5))
        #expect(set.description == "\(uuid):1-7")
        set.add(MySQLGTID(uuid: source, gno: 2))
        #expect(set.description == "\(uuid):1-7")
        set.add(MySQLGTID(uuid: source, tag: "t1", gno: 1))
        #expect(set.description == "\(uuid):1-7:t1:1")
    }

    @Test func contains() throws {
        let set = try GTIDSet("\(uuid):1-5:9:x:3")
        let source = try #require(ServerUUID(uuid))
        #expect(set.contains(MySQLGTID(uuid: source, gno: 1)))
        #expect(set.contains(MySQLGTID(uuid: source, gno: 5)))
        #expect(!set.contains(MySQLGTID(uuid: source, gno: 6)))
        #expect(set.contains(MySQLGTID(uuid: source, gno: 9)))
        #expect(!set.contains(MySQLGTID(uuid: source, tag: "x", gno: 9)))
        #expect(set.contains(MySQLGTID(uuid: source, tag: "x", gno: 3)))
    }

    @Test func binaryRoundTrip() throws {
        for text in ["\(uuid):1-5:7,\(other):1-2", "\(uuid):1-13:mytag:1-2", ""] {
            let set = try GTIDSet(text)
            var buffer = ByteBuffer()
            set.encode(into: &buffer)
            #expect(try GTIDSet(binary: buffer) == set, "\(text)")
        }
    }

    @Test func binaryUntaggedLayout() throws {
        var buffer = ByteBuffer()
        try GTIDSet("\(other):1-2").encode(into: &buffer)
        // n_sids, uuid, n_intervals, [start, end) — as PREVIOUS_GTIDS in the no-tag fixture.
        var expected: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0]
        expected += try #require(ServerUUID(other)).bytes
        expected += [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test func binaryTaggedLayout() throws {
        var buffer = ByteBuffer()
        try GTIDSet("\(other):mytag:1").encode(into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        // Format 1 in the top and bottom bytes, one source in between.
        #expect(Array(bytes[0..<8]) == [1, 1, 0, 0, 0, 0, 0, 1])
        // The tag's length, 5, as a serialization-library integer (5 << 1), then the tag.
        #expect(Array(bytes[24..<30]) == [0x0A] + Array("mytag".utf8))
    }

    @Test func corruptBinaryIsAnError() throws {
        #expect(throws: BinlogError.self) { try GTIDSet(binary: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00])) }
        #expect(throws: BinlogError.self) { try GTIDSet(binary: ByteBuffer(bytes: [1, 0, 0])) }
    }

    @Test func mariaGTIDs() throws {
        let gtid = try MariaGTID("0-1-42")
        #expect(gtid == MariaGTID(domain: 0, serverID: 1, sequence: 42))
        #expect(gtid.description == "0-1-42")
        #expect(throws: BinlogError.self) { try MariaGTID("0-1") }
        #expect(throws: BinlogError.self) { try MariaGTID("a-1-2") }
    }

    @Test func mariaPositions() throws {
        var position = try MariaGTIDPosition("1-2-7, 0-1-42")
        #expect(position.description == "0-1-42,1-2-7")
        position.update(with: MariaGTID(domain: 0, serverID: 3, sequence: 43))
        position.update(with: MariaGTID(domain: 5, serverID: 1, sequence: 1))
        #expect(position.description == "0-3-43,1-2-7,5-1-1")
        #expect(position[domain: 1] == MariaGTID(domain: 1, serverID: 2, sequence: 7))
        #expect(try MariaGTIDPosition("").isEmpty)
        #expect(throws: BinlogError.self) { try MariaGTIDPosition("0-1-1,0-2-2") }
    }
}
