/// GTID tags: 1–32 characters, a letter or `_` first, then letters, digits or `_`; case-insensitive.
enum GTIDTag {
    static func normalize(_ text: some StringProtocol) throws(BinlogError) -> String {
        let tag = text.lowercased()
        let bytes = Array(tag.utf8)
        let valid = (1...32).contains(bytes.count)
            && bytes.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
            && !(bytes[0] >= UInt8(ascii: "0") && bytes[0] <= UInt8(ascii: "9"))
        guard valid else { throw BinlogError(.malformed, "'\(text)' is not a valid GTID tag") }
        return tag
    }
}
