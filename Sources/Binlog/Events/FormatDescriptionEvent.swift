/// FORMAT_DESCRIPTION (15): first event of every binlog file; says how the events after it are laid out.
public struct FormatDescriptionEvent: Sendable, Hashable {
    public var binlogVersion: UInt16
    /// E.g. `8.0.32` or `10.11.6-MariaDB-log`.
    public var serverVersion: String
    public var createTimestamp: UInt32
    /// The common header length: always 19 in binlog v4.
    public var headerLength: UInt8
    /// Post-header length per event type, indexed by type code - 1.
    public var postHeaderLengths: [UInt8]
    public var checksum: BinlogChecksum

    public init(binlogVersion: UInt16, serverVersion: String, createTimestamp: UInt32, headerLength: UInt8, postHeaderLengths: [UInt8], checksum: BinlogChecksum) {
        self.binlogVersion = binlogVersion
        self.serverVersion = serverVersion
        self.createTimestamp = createTimestamp
        self.headerLength = headerLength
        self.postHeaderLengths = postHeaderLengths
        self.checksum = checksum
    }

    /// The post-header length for `type`, if this FORMAT_DESCRIPTION lists one.
    public func postHeaderLength(for type: BinlogEventType) -> Int? {
        let index = Int(type.rawValue) - 1
        return postHeaderLengths.indices.contains(index) ? Int(postHeaderLengths[index]) : nil
    }

    /// MariaDB writes its own GTID events (and no MySQL ones); MySQL the reverse.
    public var isMariaDB: Bool { serverVersion.contains("MariaDB") }

    /// Decodes the body (after the common header, including any checksum trailer: this event says
    /// itself whether it has one).
    static func decode(_ body: inout ByteCursor) throws(BinlogError) -> FormatDescriptionEvent {
        let binlogVersion: UInt16 = try body.readLE()
        guard binlogVersion == 4 else {
            throw BinlogError(.unsupported, "binlog format version \(binlogVersion); only version 4 (MySQL 5.0 and later) is supported")
        }
        let versionBytes = try body.readBytes(50)
        let versionLength = versionBytes.firstIndex(of: 0) ?? versionBytes.count
        let serverVersion = String(decoding: UnsafeRawBufferPointer(rebasing: versionBytes[..<versionLength]), as: UTF8.self)
        let createTimestamp: UInt32 = try body.readLE()
        let headerLength = try body.readUInt8()
        guard headerLength == BinlogEventHeader.length else {
            throw BinlogError(.unsupported, "FORMAT_DESCRIPTION gives a common header length of \(headerLength); binlog v4 has 19")
        }
        // Servers that know checksums end this event with the algorithm byte and a 4-byte checksum
        // field, even when the algorithm is "none".
        let hasChecksumFields = Self.writesChecksumFields(serverVersion)
        let trailer = hasChecksumFields ? 5 : 0
        guard body.remaining >= trailer else {
            throw BinlogError(.truncated, "FORMAT_DESCRIPTION too short for its checksum fields")
        }
        let postHeaderLengths = try body.readArray(body.remaining - trailer)
        var checksum = BinlogChecksum.none
        if hasChecksumFields {
            switch try body.readUInt8() {
            case 0, 0xFF: checksum = .none  // 0xFF: "undefined", written by servers predating checksums
            case 1: checksum = .crc32
            case let other: throw BinlogError(.unsupported, "unknown binlog checksum algorithm \(other)")
            }
            try body.skip(4)
        }
        return FormatDescriptionEvent(
            binlogVersion: binlogVersion, serverVersion: serverVersion, createTimestamp: createTimestamp,
            headerLength: headerLength, postHeaderLengths: postHeaderLengths, checksum: checksum)
    }

    /// MySQL 5.6.1 and MariaDB 5.3 introduced binlog checksums, and with them the two trailing fields.
    static func writesChecksumFields(_ serverVersion: String) -> Bool {
        let numbers = serverVersion.prefix { $0.isNumber || $0 == "." }.split(separator: ".").map { Int($0) ?? 0 }
        let version = (numbers.count > 0 ? numbers[0] : 0, numbers.count > 1 ? numbers[1] : 0, numbers.count > 2 ? numbers[2] : 0)
        if serverVersion.contains("MariaDB") { return version >= (5, 3, 0) }
        return version >= (5, 6, 1)
    }
}
