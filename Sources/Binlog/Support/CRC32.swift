import CCRC32
import CCompressZlib

/// CRC-32 (IEEE 802.3, the polynomial zlib and MySQL use) for event checksums.
///
/// Every event is checked, so this is on the hot path. Measured on this project's build machine:
/// folding with carry-less multiplication (PCLMULQDQ, the C target CCRC32) runs about 10 times faster
/// than Debian's zlib `crc32` on 100-byte inputs and 6 times on 8 KiB ones, and took CRC from about
/// 15% of decoding to under 4%. What is left over, under 16 bytes, and inputs under 64 bytes take the
/// slicing-by-8 loop. CPUs without PCLMULQDQ use zlib for large inputs: its fixed cost per call makes
/// it slower than the Swift loop below `zlibThreshold` bytes.
enum CRC32 {
    /// Below this many bytes the Swift loop beats zlib.
    static let zlibThreshold = 512
    /// Below this many bytes the folding is not set up.
    static let foldThreshold = 64
    private static let canFold = sluice_crc32_fold_available() != 0

    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        if bytes.count >= foldThreshold, canFold {
            let folded = bytes.count & ~15
            let crc = ~sluice_crc32_fold(base.assumingMemoryBound(to: UInt8.self), folded, ~crc)
            return sliceBy8(base + folded, bytes.count &- folded, crc)
        }
        if bytes.count >= zlibThreshold {
            return UInt32(truncatingIfNeeded: crc32(UInt(crc), base.assumingMemoryBound(to: UInt8.self), UInt32(bytes.count)))
        }
        return sliceBy8(base, bytes.count, crc)
    }

    private static func sliceBy8(_ start: UnsafeRawPointer, _ count: Int, _ seed: UInt32) -> UInt32 {
        tables.withUnsafeBufferPointer { t in
            var crc = ~seed
            var p = start
            var n = count
            while n >= 8 {
                let lo = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)) ^ crc
                let hi = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                crc = t[1792 &+ Int(lo & 0xFF)] ^ t[1536 &+ Int((lo >> 8) & 0xFF)]
                    ^ t[1280 &+ Int((lo >> 16) & 0xFF)] ^ t[1024 &+ Int(lo >> 24)]
                    ^ t[768 &+ Int(hi & 0xFF)] ^ t[512 &+ Int((hi >> 8) & 0xFF)]
                    ^ t[256 &+ Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                p += 8
                n &-= 8
            }
            while n > 0 {
                crc = t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                p += 1
                n &-= 1
            }
            return ~crc
        }
    }

    /// Table k maps a byte to its CRC contribution k bytes further on (slicing-by-8).
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return t
    }()
}
