import NIOCore

/// One logical MySQL packet: a payload, already reassembled if the server split it across
/// several 16 MiB-1 frames, and the sequence id of its last frame.
struct MySQLPacket: Sendable, Equatable {
    /// The sequence id of the last frame; the next packet of the same exchange carries this plus one.
    var sequenceID: UInt8
    var payload: ByteBuffer

    /// The largest payload one frame can carry. A frame of exactly this length means more follow.
    static let maximumFrameLength = 0xFF_FFFF
}
