/// The standard base64 alphabet (RFC 4648 §4).
enum Base64 {
    /// How many characters `RawJSONOutput.putBase64` puts for `byteCount` bytes.
    static func encodedCount(of byteCount: Int, escapedNewlineEvery lineLength: Int? = nil) -> Int {
        let characters = (byteCount + 2) / 3 * 4
        guard let lineLength, characters > 0 else { return characters }
        return characters + 2 * ((characters - 1) / lineLength)
    }

    @inline(__always)
    static func alphabet(_ sextet: UInt32) -> UInt8 {
        let value = UInt8(truncatingIfNeeded: sextet & 0x3F)
        switch value {
        case 0..<26: return UInt8(ascii: "A") &+ value
        case 26..<52: return UInt8(ascii: "a") &+ (value &- 26)
        case 52..<62: return UInt8(ascii: "0") &+ (value &- 52)
        case 62: return UInt8(ascii: "+")
        default: return UInt8(ascii: "/")
        }
    }
}
