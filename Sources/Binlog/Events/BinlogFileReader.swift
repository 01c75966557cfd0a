import NIOCore

/// Splits a whole binlog file, already in memory, into its events. No I/O: the caller reads the file.
public struct BinlogFileReader: Sendable {
    /// `\xfebin`, the first four bytes of every binlog file.
    public static let magic: [UInt8] = [0xFE, 0x62, 0x69, 0x6E]

    private var bytes: ByteBuffer
    public let fileName: String?
    /// Offset in the file of the next event.
    public private(set) var offset: UInt64

    public init(_ file: ByteBuffer, fileName: String? = nil) throws(BinlogError) {
        guard file.getBytes(at: file.readerIndex, length: 4) == Self.magic else {
            throw BinlogError(.malformed, "not a binlog file: it does not start with \\xfebin", file: fileName, offset: 0)
        }
        bytes = file
        bytes.moveReaderIndex(forwardBy: 4)
        self.fileName = fileName
        offset = 4
    }

    /// The next event with its offset in the file, or nil at the end of the file.
    public mutating func next() throws(BinlogError) -> (offset: UInt64, event: ByteBuffer)? {
        guard bytes.readableBytes > 0 else { return nil }
        guard bytes.readableBytes >= BinlogEventHeader.length,
              let size = bytes.getInteger(at: bytes.readerIndex + 9, endianness: .little, as: UInt32.self)
        else {
            throw BinlogError(.truncated, "file ends inside an event header (\(bytes.readableBytes) bytes left)", file: fileName, offset: offset)
        }
        guard size >= BinlogEventHeader.length else {
            throw BinlogError(.malformed, "event size \(size) is smaller than its header", file: fileName, offset: offset)
        }
        guard let event = bytes.readSlice(length: Int(size)) else {
            throw BinlogError(.truncated, "file ends inside an event of \(size) bytes (\(bytes.readableBytes) left)", file: fileName, offset: offset)
        }
        defer { offset += UInt64(size) }
        return (offset, event)
    }
}
