import CCompressZlib
import NIOCore

/// MariaDB's compressed events (`log_bin_compress`): QUERY_COMPRESSED compresses the statement text,
/// the compressed row events everything after the column bitmaps.
///
/// Layout (sql/log_event.cc, `binlog_buf_uncompress`): one header byte — top bit set, bits 4–6 the
/// algorithm (0 = zlib), bits 0–2 how many bytes hold the uncompressed length — then that length
/// big-endian, then a zlib stream.
enum MariaDBCompression {
    /// zlib cannot expand data by more than about 1032:1; a larger claimed length is corrupt, and
    /// refusing it keeps a bad header from asking for a huge allocation.
    private static let maximumRatio = 1032

    static func decompress(_ bytes: UnsafeRawBufferPointer) throws(BinlogError) -> ByteBuffer {
        guard let header = bytes.first, header & 0x80 != 0 else {
            throw BinlogError(.decompression, "compressed MariaDB event data lacks its header byte")
        }
        guard header & 0x70 == 0 else {
            throw BinlogError(.unsupported, "MariaDB event compressed with algorithm \((header & 0x70) >> 4); only zlib (0) is known")
        }
        let lengthBytes = Int(header & 0x07)
        guard (1...4).contains(lengthBytes), bytes.count > 1 + lengthBytes else {
            throw BinlogError(.decompression, "compressed MariaDB event data has a bad length header")
        }
        var length = 0
        for byte in bytes[1...lengthBytes] { length = length << 8 | Int(byte) }
        let compressed = UnsafeRawBufferPointer(rebasing: bytes[(1 + lengthBytes)...])
        guard length <= compressed.count * maximumRatio + 64 else {
            throw BinlogError(.decompression, "MariaDB event claims \(length) uncompressed bytes from \(compressed.count)")
        }
        var output = ByteBuffer()
        output.reserveCapacity(length)
        var status: Int32 = Z_OK
        var produced = 0
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { target in
            var targetLength = uLongf(length)
            status = uncompress(
                target.baseAddress?.assumingMemoryBound(to: Bytef.self), &targetLength,
                compressed.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(compressed.count))
            produced = Int(targetLength)
            return status == Z_OK ? produced : 0
        }
        guard status == Z_OK, produced == length else {
            throw BinlogError(.decompression, "zlib could not inflate a MariaDB compressed event (status \(status), \(produced) of \(length) bytes)")
        }
        return output
    }
}
