import NIOCore
import Testing

@testable import MySQLProtocol

@Suite struct PacketFramingTests {
    @Test func decodesOnePacketAndWaitsForIncompleteOnes() throws {
        var decoder = MySQLPacketDecoder(maximumPayloadSize: 1 << 30)
        var buffer = ByteBuffer(hex: "03 00 00 05  01 02 03   02 00 00")
        let packet = try decoder.decode(buffer: &buffer)
        #expect(packet == MySQLPacket(sequenceID: 5, payload: ByteBuffer(hex: "010203")))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeBytes([0x06, 0xAA, 0xBB])
        #expect(try decoder.decode(buffer: &buffer) == MySQLPacket(sequenceID: 6, payload: ByteBuffer(hex: "aabb")))
    }

    @Test func encodesSmallPayloadAsOneFrame() {
        var sequenceID: UInt8 = 3
        var out = ByteBuffer()
        MySQLPacketEncoder.encode(ByteBuffer(hex: "0301"), sequenceID: &sequenceID, into: &out)
        #expect(out.bytes == [0x02, 0x00, 0x00, 0x03, 0x03, 0x01])
        #expect(sequenceID == 4)
    }

    @Test func splitsAndReassemblesPayloadsOf16MiBAndMore() throws {
        let max = MySQLPacket.maximumFrameLength
        for size in [max - 1, max, max + 1, 2 * max + 10] {
            var payload = ByteBuffer()
            payload.writeBytes((0..<size).lazy.map { UInt8(truncatingIfNeeded: $0 &* 31) })
            var sequenceID: UInt8 = 0
            var wire = ByteBuffer()
            MySQLPacketEncoder.encode(payload, sequenceID: &sequenceID, into: &wire)

            // A payload that fills its last frame exactly needs an empty frame after it.
            let frames = size / max + 1
            #expect(Int(sequenceID) == frames, "size \(size)")
            #expect(wire.readableBytes == size + 4 * frames)
            #expect(wire.getBytes(at: 0, length: 4) == (size >= max ? [0xFF, 0xFF, 0xFF, 0x00] : [0xFE, 0xFF, 0xFF, 0x00]))

            var decoder = MySQLPacketDecoder(maximumPayloadSize: 1 << 30)
            let packet = try #require(try decoder.decode(buffer: &wire))
            #expect(packet.payload == payload, "size \(size)")
            #expect(Int(packet.sequenceID) == frames - 1)
            #expect(wire.readableBytes == 0)
        }
    }

    @Test func reassemblesFramesArrivingInPieces() throws {
        let max = MySQLPacket.maximumFrameLength
        var payload = ByteBuffer()
        payload.writeRepeatingByte(7, count: max + 100)
        var sequenceID: UInt8 = 9
        var wire = ByteBuffer()
        MySQLPacketEncoder.encode(payload, sequenceID: &sequenceID, into: &wire)

        var decoder = MySQLPacketDecoder(maximumPayloadSize: 1 << 30)
        var received = ByteBuffer()
        var packet: MySQLPacket?
        while let chunk = wire.readSlice(length: Swift.min(1 << 20, wire.readableBytes)) {
            received.writeImmutableBuffer(chunk)
            if let decoded = try decoder.decode(buffer: &received) { packet = decoded }
            if wire.readableBytes == 0 { break }
        }
        #expect(packet?.payload == payload)
        #expect(packet?.sequenceID == 10)
    }

    @Test func rejectsAContinuationFrameOutOfSequence() {
        var wire = ByteBuffer(hex: "ffffff 00")
        wire.writeRepeatingByte(0, count: MySQLPacket.maximumFrameLength)
        wire.writeBytes([0x01, 0x00, 0x00, 0x05, 0xAA])  // should be sequence 1
        var decoder = MySQLPacketDecoder(maximumPayloadSize: 1 << 30)
        #expect(throws: MySQLError.self) { try decoder.decode(buffer: &wire) }
    }

    @Test func rejectsPayloadsOverTheLimit() {
        var decoder = MySQLPacketDecoder(maximumPayloadSize: 4)
        var wire = ByteBuffer(hex: "05 00 00 00 0102030405")
        #expect(throws: MySQLError.packetTooLarge(size: 5, limit: 4)) { try decoder.decode(buffer: &wire) }
    }

    @Test func lengthEncodedIntegersRoundTripInEveryWidth() {
        let cases: [(UInt64, String)] = [
            (0, "00"), (250, "fa"), (251, "fcfb00"), (0xFFFF, "fcffff"), (0x10000, "fd000001"),
            (0xFF_FFFF, "fdffffff"), (0x100_0000, "fe0000000100000000"), (UInt64.max, "feffffffffffffffff"),
        ]
        for (value, hex) in cases {
            var buffer = ByteBuffer()
            buffer.writeLengthEncodedInteger(value)
            #expect(buffer.bytes.hex == hex)
            #expect(buffer.readLengthEncodedInteger() == value)
            #expect(buffer.readableBytes == 0)
        }
        var null = ByteBuffer(hex: "fb")
        #expect(null.readLengthEncodedInteger() == nil)
        var truncated = ByteBuffer(hex: "fc01")
        #expect(truncated.readLengthEncodedSlice() == nil)
        #expect(truncated.readerIndex == 0)
    }
}
