import NIOCore

/// Writes the variable-length unsigned integers of MySQL's serialization library; `ByteCursor`
/// reads them.
enum SerializedInteger {
    static func write(_ value: UInt64, into buffer: inout ByteBuffer) {
        // n bytes hold 7n value bits for n ≤ 8; above that a 0xFF marker and 8 raw bytes.
        let bits = 64 - value.leadingZeroBitCount
        let n = max(1, (bits + 6) / 7)
        if n > 8 {
            buffer.writeInteger(UInt8(0xFF))
            buffer.writeInteger(value, endianness: .little)
            return
        }
        let encoded = value << UInt64(n) | ((1 << UInt64(n - 1)) - 1)
        for i in 0..<n { buffer.writeInteger(UInt8(truncatingIfNeeded: encoded >> UInt64(8 * i))) }
    }
}
