import NIOCore

/// TRANSACTION_PAYLOAD (40): a whole transaction's events, usually zstd-compressed
/// (`binlog_transaction_compression=ON`, MySQL 8.0.20+).
///
/// Read the inner events with `TransactionPayloadReader`, and decode each with
/// `BinlogEventDecoder.decodePayloadEvent(_:)`: they have no checksum and a next position of 0.
public struct TransactionPayloadEvent: Sendable {
    public enum Compression: Sendable, Hashable {
        case zstd
        case none
    }

    public var compression: Compression
    /// Bytes of `payload`.
    public var payloadSize: UInt64
    /// Bytes of the inner events once decompressed.
    public var uncompressedSize: UInt64
    /// The (compressed) inner events.
    public var payload: ByteBuffer

    public init(compression: Compression, payloadSize: UInt64, uncompressedSize: UInt64, payload: ByteBuffer) {
        self.compression = compression
        self.payloadSize = payloadSize
        self.uncompressedSize = uncompressedSize
        self.payload = payload
    }

    /// The header is (type, length, value) fields, each a length-encoded integer and the values
    /// length-encoded integers too, ended by type 0: 1 payload size, 2 compression type, 3
    /// uncompressed size. The payload follows.
    static func decode(_ body: inout ByteCursor) throws(BinlogError) -> TransactionPayloadEvent {
        var compressionCode: UInt64 = 0
        var payloadSize: UInt64?
        var uncompressedSize: UInt64 = 0
        while true {
            let type = try body.readLengthEncoded()
            if type == 0 { break }
            var value = try body.readCursor(body.readLengthEncodedCount())
            switch type {
            case 1: payloadSize = try value.readLengthEncoded()
            case 2: compressionCode = try value.readLengthEncoded()
            case 3: uncompressedSize = try value.readLengthEncoded()
            default: break
            }
        }
        let compression: Compression
        switch compressionCode {
        case 0: compression = .zstd
        case 255: compression = .none
        default: throw BinlogError(.unsupported, "TRANSACTION_PAYLOAD compressed with unknown algorithm \(compressionCode)")
        }
        let size = payloadSize ?? UInt64(body.remaining)
        guard size == UInt64(body.remaining) else {
            throw BinlogError(.malformed, "TRANSACTION_PAYLOAD says \(size) payload bytes, the event holds \(body.remaining)")
        }
        return TransactionPayloadEvent(
            compression: compression, payloadSize: size,
            uncompressedSize: compression == .none ? size : uncompressedSize,
            payload: try body.readSlice(body.remaining))
    }
}
