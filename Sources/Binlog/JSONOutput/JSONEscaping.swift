/// Finding the bytes a JSON string must escape, eight at a time.
enum JSONEscaping {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first byte at or after `start` that is a control character, `"` or `\`;
    /// `bytes.count` when there is none.
    @inline(__always)
    static func firstByteNeedingEscape(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        // Word-at-a-time scan: a lane is flagged when its byte is below 0x20 or equals `"` or `\`.
        // Borrows between lanes can only set false flags *above* a real hit, so a zero word proves
        // that none of its bytes needs escaping, and a non-zero one is resolved byte by byte.
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x5C))
                | hasByteBelow0x20(word) != 0
            {
                break
            }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return index
            }
            index += 1
        }
        return index
    }

    /// How many bytes escaping adds to `bytes`, whose first byte needing an escape is at `start`:
    /// one for `\n`-style escapes, five for `\u00XX`.
    static func extraEscapedBytes(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var extra = 0
        for byte in bytes[start...] {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: extra += 1
            case 0..<0x20: extra += 5
            default: break
            }
        }
        return extra
    }

    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highBits
    }

    @inline(__always)
    private static func hasByteBelow0x20(_ word: UInt64) -> UInt64 {
        (word &- ones &* 0x20) & ~word & highBits
    }

    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ (nibble &- 10)
    }
}
