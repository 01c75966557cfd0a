import NIOCore

/// Protocol::TextResultsetRow: one length-encoded string per column, 0xFB for NULL.
enum TextResultRow {
    static func decode(_ payload: ByteBuffer, columnCount: Int) throws -> [String?] {
        var buffer = payload
        var cells: [String?] = []
        cells.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            if buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == 0xFB {
                buffer.moveReaderIndex(forwardBy: 1)
                cells.append(nil)
            } else if let cell = buffer.readLengthEncodedString() {
                cells.append(cell)
            } else {
                throw MySQLError.protocolViolation(
                    what: "row ends before cell \(column + 1) of \(columnCount)",
                    where: "text result set row"
                )
            }
        }
        guard buffer.readableBytes == 0 else {
            throw MySQLError.protocolViolation(
                what: "row has \(buffer.readableBytes) bytes after its \(columnCount) cells",
                where: "text result set row"
            )
        }
        return cells
    }
}
