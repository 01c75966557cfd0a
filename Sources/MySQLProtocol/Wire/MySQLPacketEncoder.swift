import NIOCore

/// Frames a payload for the wire, splitting it into 16 MiB-1 frames when it is that large.
enum MySQLPacketEncoder {
    /// Writes `payload` as one or more frames numbered from `sequenceID`, and leaves `sequenceID`
    /// at the number the next packet of this exchange must carry.
    static func encode(_ payload: ByteBuffer, sequenceID: inout UInt8, into out: inout ByteBuffer) {
        var payload = payload
        out.reserveCapacity(minimumWritableBytes: payload.readableBytes + 4 * (payload.readableBytes / MySQLPacket.maximumFrameLength + 1))
        while true {
            let length = min(payload.readableBytes, MySQLPacket.maximumFrameLength)
            out.writeInteger(UInt8(truncatingIfNeeded: length))
            out.writeInteger(UInt8(truncatingIfNeeded: length >> 8))
            out.writeInteger(UInt8(truncatingIfNeeded: length >> 16))
            out.writeInteger(sequenceID)
            sequenceID &+= 1
            out.writeBytes(payload.readableBytesView.prefix(length))
            payload.moveReaderIndex(forwardBy: length)
            // A payload that fills its last frame exactly is closed by an empty frame.
            if length < MySQLPacket.maximumFrameLength { return }
        }
    }
}
