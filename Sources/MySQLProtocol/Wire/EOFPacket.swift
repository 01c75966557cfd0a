import NIOCore

/// The server's EOF packet: 0xFE followed by warnings and status, under 9 bytes in all.
struct EOFPacket: Sendable, Equatable {
    var warnings: UInt16
    var status: ServerStatusFlags

    /// 0xFE also starts a length-encoded integer of 8 bytes, so only a short packet is an EOF.
    static func isEOF(_ payload: ByteBuffer) -> Bool {
        payload.readableBytes < 9 && payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0xFE
    }

    init(decoding payload: ByteBuffer) {
        var buffer = payload
        buffer.moveReaderIndex(forwardBy: 1)
        // Pre-4.1 servers send a bare 0xFE; the missing fields read as zero.
        self.warnings = buffer.readInteger(endianness: .little) ?? 0
        self.status = ServerStatusFlags(rawValue: buffer.readInteger(endianness: .little) ?? 0)
    }
}
