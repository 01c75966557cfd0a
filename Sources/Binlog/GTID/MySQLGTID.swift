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
