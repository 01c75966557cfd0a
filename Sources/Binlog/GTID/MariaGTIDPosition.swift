/// A MariaDB replication position (`gtid_slave_pos`, `gtid_binlog_pos`): the last GTID of each
/// replication domain, e.g. `0-1-42,1-2-7`.
public struct MariaGTIDPosition: Sendable, Hashable, CustomStringConvertible {
    /// One GTID per domain, sorted by domain.
    public private(set) var gtids: [MariaGTID]

    public init(_ gtids: [MariaGTID] = []) {
        self.gtids = []
        for gtid in gtids { update(with: gtid) }
    }

    /// Parses the comma-separated text form; whitespace is ignored, an empty string is the empty position.
    public init(_ text: String) throws(BinlogError) {
        var gtids: [MariaGTID] = []
        for part in text.filter({ !$0.isWhitespace }).split(separator: ",") {
            let gtid = try MariaGTID(part)
            guard !gtids.contains(where: { $0.domain == gtid.domain }) else {
                throw BinlogError(.malformed, "GTID position '\(text)' names domain \(gtid.domain) twice")
            }
            gtids.append(gtid)
        }
        self.init(gtids)
    }

    /// Records `gtid` as its domain's latest transaction, replacing the domain's previous one.
    public mutating func update(with gtid: MariaGTID) {
        if let index = gtids.firstIndex(where: { $0.domain >= gtid.domain }) {
            if gtids[index].domain == gtid.domain { gtids[index] = gtid } else { gtids.insert(gtid, at: index) }
        } else {
            gtids.append(gtid)
        }
    }

    /// The latest GTID of a domain, if the position has one.
    public subscript(domain domain: UInt32) -> MariaGTID? {
        gtids.first { $0.domain == domain }
    }

    /// No domain yet: replication would start from the beginning.
    public var isEmpty: Bool { gtids.isEmpty }

    public var description: String { gtids.map(\.description).joined(separator: ",") }
}
