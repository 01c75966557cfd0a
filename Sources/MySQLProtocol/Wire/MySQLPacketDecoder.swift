import NIOCore

/// Splits the byte stream into `MySQLPacket`s, joining payloads that the peer split into
/// several frames because they reached 16 MiB-1.
struct MySQLPacketDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = MySQLPacket

    /// Frames of one split payload, collected until the short frame that ends it.
    private var pending: ByteBuffer?
    private var pendingSequenceID: UInt8 = 0
    /// Guards memory against a garbled length or a payload bigger than the caller allows.
    let maximumPayloadSize: Int

    init(maximumPayloadSize: Int) {
        self.maximumPayloadSize = maximumPayloadSize
    }

    mutating func decode(buffer: inout ByteBuffer) throws -> MySQLPacket? {
        while true {
            // 3-byte little-endian length, then the sequence id: one 32-bit read.
            guard let header = buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt32.self) else { return nil }
            let length = Int(header & 0xFF_FFFF)
            let sequenceID = UInt8(truncatingIfNeeded: header >> 24)
            guard var frame = buffer.getSlice(at: buffer.readerIndex + 4, length: length) else { return nil }
            buffer.moveReaderIndex(forwardBy: 4 + length)

            if var pending {
                guard sequenceID == self.pendingSequenceID &+ 1 else {
                    throw MySQLError.protocolViolation(
                        what: "frame of a split packet has sequence id \(sequenceID), expected \(self.pendingSequenceID &+ 1)",
                        where: "packet framing"
                    )
                }
                try self.checkSize(pending.readableBytes + length)
                self.pending = nil  // drop the reference so the write below does not copy
                pending.writeBuffer(&frame)
                self.pending = pending
            } else {
                try self.checkSize(length)
                if length < MySQLPacket.maximumFrameLength {
                    return MySQLPacket(sequenceID: sequenceID, payload: frame)
                }
                // Copy out of the cumulation buffer: it would otherwise be kept alive by the slice
                // and grow with every further frame.
                var collected = ByteBufferAllocator().buffer(capacity: 2 * length)
                collected.writeImmutableBuffer(frame)
                self.pending = collected
            }
            self.pendingSequenceID = sequenceID
            if length < MySQLPacket.maximumFrameLength, let complete = self.pending {
                self.pending = nil
                return MySQLPacket(sequenceID: sequenceID, payload: complete)
            }
        }
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MySQLPacket? {
        try self.decode(buffer: &buffer)
    }

    private func checkSize(_ size: Int) throws {
        guard size <= self.maximumPayloadSize else {
            throw MySQLError.packetTooLarge(size: size, limit: self.maximumPayloadSize)
        }
    }
}
