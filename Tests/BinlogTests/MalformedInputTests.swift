import Binlog
import NIOCore
import Testing
import TestSupport

/// Bad input must fail with a clear error naming what and where, never crash or hang.
@Suite("Malformed input")
struct MalformedInputTests {
    /// Bit-by-bit CRC-32, independent of the decoder's table-driven one, to re-seal mutated events.
    static func crc32(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// An event with no checksum trailer, for a decoder told there is none.
    static func event(type: UInt8, flags: UInt16 = 0, body: [UInt8], nextPosition: UInt32 = 0) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(1_700_000_000), endianness: .little)
        buffer.writeInteger(type)
        buffer.writeInteger(UInt32(1), endianness: .little)
        buffer.writeInteger(UInt32(19 + body.count), endianness: .little)
        buffer.writeInteger(nextPosition, endianness: .little)
        buffer.writeInteger(flags, endianness: .little)
        buffer.writeBytes(body)
        return buffer
    }

    @Test func truncatedFilesNameTheOffset() throws {
        let whole = try Fixture.bytes("mysql-bin.checksum-crc32")
        var boundaries: Set<Int> = [4]
        var reader = try BinlogFileReader(whole)
        while let (offset, event) = try reader.next() { boundaries.insert(Int(offset) + event.readableBytes) }
        for cut in [2, 10, 30, 100, 1000, 5000, 12345, whole.readableBytes - 1] where !boundaries.contains(cut) {
            let bytes = whole.getSlice(at: 0, length: cut) ?? ByteBuffer()
            let error = #expect(throws: BinlogError.self) { try Fixture.decode(bytes: bytes, fileName: "cut.000001") }
            #expect(error?.kind == (cut < 4 ? .malformed : .truncated), "cut at \(cut)")
            #expect(error?.file == "cut.000001")
            if cut >= 4 {
                let offset = try #require(error?.offset)
                #expect(offset <= UInt64(cut) && boundaries.contains(Int(offset)), "cut at \(cut): offset \(offset)")
            }
        }
    }

    @Test func flippedByteIsAChecksumMismatchAtItsEvent() throws {
        var bytes = try Fixture.bytes("mysql-bin.checksum-crc32")
        var reader = try BinlogFileReader(bytes)
        var events: [(offset: UInt64, size: Int)] = []
        while let (offset, event) = try reader.next() { events.append((offset, event.readableBytes)) }
        let target = events[20]
        let position = Int(target.offset) + 25
        bytes.setInteger(bytes.getInteger(at: position, as: UInt8.self)! ^ 0x01, at: position)
        let error = #expect(throws: BinlogError.self) { try Fixture.decode(bytes: bytes, fileName: "flipped.000001") }
        #expect(error?.kind == .checksumMismatch)
        #expect(error?.offset == target.offset)
        #expect(error?.file == "flipped.000001")
    }

    @Test func inUseFormatDescriptionChecksumsWithTheFlagClear() throws {
        var reader = try BinlogFileReader(try Fixture.bytes("json.binlog.000001"))
        let (_, raw) = try #require(try reader.next())
        var decoder = BinlogEventDecoder()
        guard case .formatDescription(let format) = try decoder.decode(raw) else {
            Issue.record("not a FORMAT_DESCRIPTION")
            return
        }
        #expect(try BinlogEventHeader(raw).isBinlogInUse)
        #expect(format.checksum == .crc32)
    }

    @Test func unknownEventTypeIsNamed() throws {
        var decoder = BinlogEventDecoder(fileName: "binlog.000007")
        let error = #expect(throws: BinlogError.self) { try decoder.decode(Self.event(type: 99, body: [1, 2, 3], nextPosition: 1022), at: 1000) }
        #expect(error?.kind == .unknownEventType)
        #expect(error?.message.contains("99") == true)
        #expect(error?.offset == 1000)
        #expect(error?.file == "binlog.000007")
        // Without an explicit offset it comes from the header's next position.
        #expect((try? decoder.decode(Self.event(type: 99, body: [1, 2, 3], nextPosition: 1022))) == nil)
        let derived = #expect(throws: BinlogError.self) { try decoder.decode(Self.event(type: 99, body: [1, 2, 3], nextPosition: 1022)) }
        #expect(derived?.offset == 1000)
        guard case .ignored(let type) = try decoder.decode(Self.event(type: 99, flags: 0x80, body: [1, 2, 3])) else {
            Issue.record("an ignorable unknown event should decode as ignored")
            return
        }
        #expect(type.rawValue == 99)
    }

    @Test func rowsWithoutTableMapAreAnError() throws {
        var decoder = BinlogEventDecoder()
        // WRITE_ROWS v2, table 42, one INT column, one row.
        let body: [UInt8] = [42, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0x01, 0x00, 7, 0, 0, 0]
        let error = #expect(throws: BinlogError.self) { try decoder.decode(Self.event(type: 30, body: body)) }
        #expect(error?.kind == .unknownTable)
        #expect(error?.message.contains("42") == true)
    }

    @Test func unknownColumnTypeInTableMapNamesColumnAndTable() throws {
        var decoder = BinlogEventDecoder()
        // TABLE_MAP table 1, db "d", table "t", columns [LONG, 200].
        let body: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, 1, 0x64, 0, 1, 0x74, 0, 2, 3, 200, 0, 0]
        let error = #expect(throws: BinlogError.self) { try decoder.decode(Self.event(type: 19, body: body)) }
        #expect(error?.kind == .unknownColumnType)
        #expect(error?.message.contains("column 2 of d.t") == true)
        #expect(error?.message.contains("200") == true)
    }

    @Test func columnsWithoutBytesCannotLoopForever() throws {
        var decoder = BinlogEventDecoder()
        _ = try decoder.decode(Self.event(type: 19, body: [1, 0, 0, 0, 0, 0, 0, 0, 1, 0x64, 0, 1, 0x74, 0, 1, 3, 0, 0]))
        // WRITE_ROWS v2 with no column present, and a stray byte where rows would be.
        let error = #expect(throws: BinlogError.self) { try decoder.decode(Self.event(type: 30, body: [1, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0x00, 0xAA])) }
        #expect(error?.kind == .malformed)
    }

    /// Seeded random damage to every fixture; each decode must end with a value or a `BinlogError`.
    /// Damaged events are re-sealed with a fresh checksum so that the damage reaches the decoders
    /// behind the checksum check.
    @Test func randomDamageNeverCrashes() throws {
        var random = SplitMix64(seed: 0x5EED_B1A5)
        let files = try Fixture.all.map { name -> (ByteBuffer, [(Int, Int)], Bool) in
            let bytes = try Fixture.bytes(name)
            var reader = try BinlogFileReader(bytes)
            var spans: [(Int, Int)] = []
            while let (offset, event) = try reader.next() { spans.append((Int(offset), event.readableBytes)) }
            let checksummed = Fixture.checksummed(name)
            return (bytes, spans, checksummed)
        }
        var outcomes = (decoded: 0, failed: 0)
        for _ in 0..<2000 {
            let (original, spans, checksummed) = files[Int(random.next() % UInt64(files.count))]
            var bytes = Array(original.readableBytesView)
            let (start, size) = spans[Int(random.next() % UInt64(spans.count))]
            switch random.next() % 8 {
            case 0:
                // Cut the file inside this event.
                bytes.removeSubrange((start + Int(random.next() % UInt64(size)))...)
            case 1:
                // Damage the header (sizes, positions, flags) without re-sealing.
                let index = start + Int(random.next() % 19)
                bytes[index] = UInt8(truncatingIfNeeded: random.next())
            default:
                // Damage 1 to 4 body bytes, then re-seal.
                for _ in 0...(random.next() % 4) where size > 23 {
                    let index = start + 19 + Int(random.next() % UInt64(size - 19 - (checksummed ? 4 : 0)))
                    bytes[index] = UInt8(truncatingIfNeeded: random.next())
                }
                if checksummed && size > 23 {
                    if bytes[start + 4] == 15 && bytes[start + 17] & 1 != 0 {
                        var sealed = Array(bytes[start..<(start + size - 4)])
                        sealed[17] &= ~1
                        Self.seal(&bytes, start: start, size: size, crc: Self.crc32(sealed))
                    } else {
                        Self.seal(&bytes, start: start, size: size, crc: Self.crc32(bytes[start..<(start + size - 4)]))
                    }
                }
            }
            do {
                _ = try Fixture.decode(bytes: ByteBuffer(bytes: bytes), fileName: "damaged")
                outcomes.decoded += 1
            } catch is BinlogError {
                outcomes.failed += 1
            }
        }
        #expect(outcomes.decoded + outcomes.failed == 2000)
        // The damage must reach past the checksum often enough to mean something.
        #expect(outcomes.failed > 200)
    }

    static func seal(_ bytes: inout [UInt8], start: Int, size: Int, crc: UInt32) {
        for i in 0..<4 { bytes[start + size - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
    }
}
