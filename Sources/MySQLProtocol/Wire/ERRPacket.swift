import NIOCore

/// Decodes the server's ERR packet (header 0xFF) into a `MySQLServerError`.
enum ERRPacket {
    static func isERR(_ payload: ByteBuffer) -> Bool {
        payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0xFF
    }

    static func decode(_ payload: ByteBuffer) throws -> MySQLServerError {
        var buffer = payload
        buffer.moveReaderIndex(forwardBy: 1)
        guard let code = buffer.readInteger(endianness: .little, as: UInt16.self) else {
            throw MySQLError.protocolViolation(what: "ERR packet has no error code", where: "ERR packet")
        }
        // The SQL state marker is absent in errors sent before capabilities are agreed,
        // e.g. "Host is not allowed to connect" in place of the greeting.
        var sqlState: String?
        if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == UInt8(ascii: "#"), buffer.readableBytes >= 6 {
            buffer.moveReaderIndex(forwardBy: 1)
            sqlState = buffer.readString(length: 5)
        }
        let message = buffer.readString(length: buffer.readableBytes) ?? ""
        return MySQLServerError(code: code, sqlState: sqlState, message: message)
    }
}
