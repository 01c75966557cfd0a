import NIOCore

/// The server's OK packet (header 0x00, or 0xFE where it replaces EOF under CLIENT_DEPRECATE_EOF).
struct OKPacket: Sendable, Equatable {
    var affectedRows: UInt64
    var lastInsertID: UInt64
    var status: ServerStatusFlags
    var warnings: UInt16

    /// Decodes a payload whose header byte the caller has already recognised.
    init(decoding payload: ByteBuffer) throws {
        var buffer = payload
        buffer.moveReaderIndex(forwardBy: 1)
        guard let affectedRows = buffer.readLengthEncodedInteger(),
            let lastInsertID = buffer.readLengthEncodedInteger(),
            let status = buffer.readInteger(endianness: .little, as: UInt16.self),
            let warnings = buffer.readInteger(endianness: .little, as: UInt16.self)
        else {
            throw MySQLError.protocolViolation(what: "OK packet is truncated (\(payload.readableBytes) bytes)", where: "OK packet")
        }
        // The human-readable info and session-state changes that may follow are not needed.
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
        self.status = ServerStatusFlags(rawValue: status)
        self.warnings = warnings
    }
}
