@testable import Binlog
import Testing

/// The event checksum against a bit-by-bit CRC-32, across the lengths where it changes method
/// (slicing-by-8, carry-less folding of 64 then 16 bytes, the leftover bytes, zlib).
@Suite("CRC-32")
struct CRC32Tests {
    /// Deterministic bytes that are not a repeating pattern.
    static let bytes: [UInt8] = {
        var state: UInt32 = 0x1234_5678
        return (0..<9000).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }()

    @Test func knownValue() {
        let text = Array("123456789".utf8)
        #expect(text.withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
    }

    @Test func everyLengthAndAlignment() {
        let lengths = Array(0...300) + [511, 512, 513, 1023, 4096, 8191, 8192, 8193, 8999 - 7]
        Self.bytes.withUnsafeBytes { all in
            for length in lengths {
                for start in [0, 1, 7] {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32.checksum(slice) == MalformedInputTests.crc32(slice), "length \(length) at \(start)")
                }
            }
        }
    }

    @Test func continuing() {
        Self.bytes.withUnsafeBytes { all in
            for split in [0, 17, 18, 100, 4000] {
                let first = CRC32.checksum(UnsafeRawBufferPointer(rebasing: all[..<split]))
                let whole = CRC32.checksum(UnsafeRawBufferPointer(rebasing: all[split..<5000]), continuing: first)
                #expect(whole == MalformedInputTests.crc32(all[..<5000]), "split at \(split)")
            }
        }
    }
}
