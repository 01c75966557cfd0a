import NIOCore

/// The commands Sluice sends in the command phase, each encoded as one packet payload.
enum MySQLCommand: Sendable, Equatable {
    /// COM_QUERY, text protocol.
    case query(String)
    /// COM_QUIT.
    case quit
    /// COM_REGISTER_SLAVE: makes the connection show up in SHOW SLAVE HOSTS / SHOW REPLICAS.
    case registerReplica(serverID: UInt32, hostname: String, port: UInt16)
    /// COM_BINLOG_DUMP: stream from a file and position.
    case binlogDump(position: UInt32, flags: BinlogDumpFlags, serverID: UInt32, file: String)
    /// COM_BINLOG_DUMP_GTID (MySQL 5.6+): stream everything not in an encoded GTID set.
    case binlogDumpGTID(flags: BinlogDumpFlags, serverID: UInt32, file: String, position: UInt64, encodedGTIDSet: [UInt8])

    /// Flags of the two dump commands.
    struct BinlogDumpFlags: OptionSet, Sendable, Hashable {
        let rawValue: UInt16
        /// End the stream with EOF at the end of the binlog instead of waiting for more.
        static let nonBlocking = BinlogDumpFlags(rawValue: 0x01)
        /// MariaDB: send ANNOTATE_ROWS events (the statement text) before row events.
        static let sendAnnotateRows = BinlogDumpFlags(rawValue: 0x02)
        /// MySQL COM_BINLOG_DUMP_GTID: the GTID set field is present.
        static let throughGTID = BinlogDumpFlags(rawValue: 0x04)
    }

    func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .query(let sql):
            buffer.writeInteger(UInt8(0x03))
            buffer.writeString(sql)
        case .quit:
            buffer.writeInteger(UInt8(0x01))
        case .registerReplica(let serverID, let hostname, let port):
            buffer.writeInteger(UInt8(0x15))
            buffer.writeInteger(serverID, endianness: .little)
            Self.writeShortString(hostname, into: &buffer)
            Self.writeShortString("", into: &buffer)  // user, shown to nobody
            Self.writeShortString("", into: &buffer)  // password, likewise
            buffer.writeInteger(port, endianness: .little)
            buffer.writeInteger(UInt32(0), endianness: .little)  // replication rank, unused
            buffer.writeInteger(UInt32(0), endianness: .little)  // source id; the server fills it in
        case .binlogDump(let position, let flags, let serverID, let file):
            buffer.writeInteger(UInt8(0x12))
            buffer.writeInteger(position, endianness: .little)
            buffer.writeInteger(flags.rawValue, endianness: .little)
            buffer.writeInteger(serverID, endianness: .little)
            buffer.writeString(file)
        case .binlogDumpGTID(let flags, let serverID, let file, let position, let encodedGTIDSet):
            buffer.writeInteger(UInt8(0x1E))
            buffer.writeInteger(flags.rawValue, endianness: .little)
            buffer.writeInteger(serverID, endianness: .little)
            buffer.writeInteger(UInt32(file.utf8.count), endianness: .little)
            buffer.writeString(file)
            buffer.writeInteger(position, endianness: .little)
            if flags.contains(.throughGTID) {
                buffer.writeInteger(UInt32(encodedGTIDSet.count), endianness: .little)
                buffer.writeBytes(encodedGTIDSet)
            }
        }
    }

    /// COM_REGISTER_SLAVE's strings carry a one-byte length, so longer ones are cut.
    private static func writeShortString(_ string: String, into buffer: inout ByteBuffer) {
        let bytes = string.utf8.prefix(255)
        buffer.writeInteger(UInt8(bytes.count))
        buffer.writeBytes(bytes)
    }
}
