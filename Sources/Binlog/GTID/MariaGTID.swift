/// One MariaDB GTID, `domain-server-sequence`, e.g. `0-1-42`.
public struct MariaGTID: Sendable, Hashable, CustomStringConvertible {
    public var domain: UInt32
    public var serverID: UInt32
    public var sequence: UInt64

    public init(domain: UInt32, serverID: UInt32, sequence: UInt64) {
        self.domain = domain
        self.serverID = serverID
        self.sequence = sequence
    }

    /// Parses `domain-server-sequence`.
    public init(_ text: some StringProtocol) throws(BinlogError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let domain = UInt32(parts[0]), let serverID = UInt32(parts[1]), let sequence = UInt64(parts[2]) else {
            throw BinlogError(.malformed, "'\(text)' is not a MariaDB GTID (domain-server-sequence)")
        }
        self.init(domain: domain, serverID: serverID, sequence: sequence)
    }

    public var description: String { "\(domain)-\(serverID)-\(sequence)" }
}
