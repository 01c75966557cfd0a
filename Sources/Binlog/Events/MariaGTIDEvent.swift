/// MariaDB's GTID (162): starts an event group (a transaction, or a standalone DDL statement).
public struct MariaGTIDEvent: Sendable, Hashable {
    public var gtid: MariaGTID
    /// FL_STANDALONE 1, FL_GROUP_COMMIT_ID 2, FL_TRANSACTIONAL 4, FL_ALLOW_PARALLEL 8, FL_WAITED 16,
    /// FL_DDL 32, FL_PREPARED_XA 64, FL_COMPLETED_XA 128.
    public var flags: UInt8
    /// Transactions that committed together on the primary share this id.
    public var commitID: UInt64?

    public init(gtid: MariaGTID, flags: UInt8, commitID: UInt64? = nil) {
        self.gtid = gtid
        self.flags = flags
        self.commitID = commitID
    }

    /// A group without BEGIN/COMMIT (DDL or a non-transactional statement): it ends after one statement.
    public var isStandalone: Bool { flags & 0x01 != 0 }

    static func decode(_ body: inout ByteCursor, serverID: UInt32) throws(BinlogError) -> MariaGTIDEvent {
        let sequence: UInt64 = try body.readLE()
        let domain: UInt32 = try body.readLE()
        let flags = try body.readUInt8()
        let commitID: UInt64? = flags & 0x02 != 0 ? try body.readLE() : nil
        // What follows (XA ids, extra flags) does not change what the group is.
        return MariaGTIDEvent(gtid: MariaGTID(domain: domain, serverID: serverID, sequence: sequence), flags: flags, commitID: commitID)
    }

    /// GTID_LIST (163): the binlog state (last GTID per domain and server) at the start of a file.
    static func decodeList(_ body: inout ByteCursor) throws(BinlogError) -> [MariaGTID] {
        // The low 28 bits count the entries; the top 4 are flags.
        let count = Int(try body.readLE(UInt32.self) & 0x0FFF_FFFF)
        guard count <= body.remaining / 16 else {
            throw BinlogError(.truncated, "GTID_LIST announces \(count) GTIDs, more than its \(body.remaining) bytes hold")
        }
        var gtids: [MariaGTID] = []
        gtids.reserveCapacity(count)
        for _ in 0..<count {
            let domain: UInt32 = try body.readLE()
            let serverID: UInt32 = try body.readLE()
            gtids.append(MariaGTID(domain: domain, serverID: serverID, sequence: try body.readLE()))
        }
        return gtids
    }
}
