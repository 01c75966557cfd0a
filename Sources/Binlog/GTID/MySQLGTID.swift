/// One MySQL GTID: `uuid:gno`, or with a tag (MySQL 8.3 and later) `uuid:tag:gno`.
public struct MySQLGTID: Sendable, Hashable, CustomStringConvertible {
    public var uuid: ServerUUID
    /// The tag in its normalised (lower-case) form; nil for an untagged GTID.
    public var tag: String?
    /// The transaction number, 1 or more.
    public var gno: UInt64

    public init(uuid: ServerUUID, tag: String? = nil, gno: UInt64) {
        self.uuid = uuid
        self.tag = tag
        self.gno = gno
    }

    /// Parses `uuid:gno` or `uuid:tag:gno`.
    public init(_ text: String) throws(BinlogError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let uuid = ServerUUID(parts[0]),
              let gno = UInt64(parts[parts.count - 1]), gno > 0
        else { throw BinlogError(.malformed, "'\(text)' is not a GTID (uuid:number or uuid:tag:number)") }
        let tag = parts.count == 3 ? try GTIDTag.normalize(parts[1]) : nil
        self.init(uuid: uuid, tag: tag, gno: gno)
    }

    public var description: String {
        if let tag { return "\(uuid):\(tag):\(gno)" }
        return "\(uuid):\(gno)"
    }
}

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
