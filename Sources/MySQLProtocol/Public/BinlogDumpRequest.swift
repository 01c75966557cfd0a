/// Where and how to start reading the binlog as a replica.
public struct BinlogDumpRequest: Sendable, Hashable {
    /// The first event to stream.
    public enum Start: Sendable, Hashable {
        /// A binlog file and byte offset (4 is the first event of a file). COM_BINLOG_DUMP; the
        /// offset must fit in 32 bits.
        case filePosition(file: String, position: UInt64)
        /// MySQL 5.6+: everything after this GTID set, in the server's binary encoding
        /// (COM_BINLOG_DUMP_GTID with BINLOG_THROUGH_GTID).
        case mysqlGTIDSet(encoded: [UInt8])
        /// MariaDB 10.0+: after this GTID position, e.g. "0-1-42,1-2-7"; "" means from the
        /// start of the oldest binlog. Set as @slave_connect_state before COM_BINLOG_DUMP.
        case mariaGTID(String)
    }

    /// This replica's server id. It must differ from every other server and replica of the
    /// source: the source drops an older connection that registered with the same id.
    public var serverID: UInt32
    public var start: Start
    /// How often the source sends a heartbeat event when it has nothing else to send.
    /// Zero turns heartbeats and stall detection off.
    public var heartbeatPeriod: Duration
    /// The stream fails with `MySQLError.binlogStalled` after this many heartbeat periods of
    /// silence while the consumer is asking for more.
    public var missedHeartbeatsBeforeStall: Int
    /// End the stream at the current end of the binlog (BINLOG_DUMP_NON_BLOCK) instead of waiting
    /// for new events.
    public var stopAtEnd: Bool
    /// MariaDB: make the source refuse a GTID position its binlog cannot continue from exactly
    /// (@slave_gtid_strict_mode) rather than start elsewhere.
    public var mariaDBStrictGTIDMode: Bool
    /// Shown by the source in SHOW SLAVE HOSTS / SHOW REPLICAS.
    public var replicaHostname: String

    public init(
        serverID: UInt32, start: Start, heartbeatPeriod: Duration = .seconds(10), missedHeartbeatsBeforeStall: Int = 3,
        stopAtEnd: Bool = false, mariaDBStrictGTIDMode: Bool = true, replicaHostname: String = ""
    ) {
        self.serverID = serverID
        self.start = start
        self.heartbeatPeriod = heartbeatPeriod
        self.missedHeartbeatsBeforeStall = missedHeartbeatsBeforeStall
        self.stopAtEnd = stopAtEnd
        self.mariaDBStrictGTIDMode = mariaDBStrictGTIDMode
        self.replicaHostname = replicaHostname
    }

    /// How long the stream may stay silent; nil when heartbeats are off.
    var stallTimeout: Duration? {
        guard self.heartbeatPeriod > .zero, self.missedHeartbeatsBeforeStall > 0 else { return nil }
        return self.heartbeatPeriod * self.missedHeartbeatsBeforeStall
    }

    /// The session variables a replica sets before dumping, in order.
    func setupStatements(isMariaDB: Bool) throws -> [String] {
        // Without these the source assumes an old replica: it strips checksums (MySQL) or
        // sends no GTID events (MariaDB). Both spellings, since MySQL 8.0.26 renamed them.
        var statements = [
            "SET @master_binlog_checksum = @@global.binlog_checksum",
            "SET @source_binlog_checksum = @@global.binlog_checksum",
        ]
        if self.heartbeatPeriod > .zero {
            let (seconds, attoseconds) = self.heartbeatPeriod.components
            let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            statements.append("SET @master_heartbeat_period = \(nanoseconds)")
            statements.append("SET @source_heartbeat_period = \(nanoseconds)")
        }
        if isMariaDB {
            // MARIA_SLAVE_CAPABILITY_GTID: GTID, binlog checkpoint and annotate events.
            statements.append("SET @mariadb_slave_capability = 4")
        }
        switch self.start {
        case .filePosition(_, let position):
            guard position <= UInt64(UInt32.max) else {
                throw MySQLError.invalidRequest(
                    "binlog position \(position) does not fit in COM_BINLOG_DUMP's 32 bits; start from a GTID instead"
                )
            }
        case .mysqlGTIDSet:
            guard !isMariaDB else {
                throw MySQLError.invalidRequest("a MySQL GTID set was given, but the server is MariaDB; use a MariaDB GTID position")
            }
        case .mariaGTID(let position):
            guard isMariaDB else {
                throw MySQLError.invalidRequest("a MariaDB GTID position was given, but the server is MySQL; use a MySQL GTID set")
            }
            guard position.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "," || $0 == " ") }) else {
                throw MySQLError.invalidRequest("'\(position)' is not a MariaDB GTID position (domain-server-sequence, comma-separated)")
            }
            statements.append("SET @slave_connect_state = '\(position)'")
            statements.append("SET @slave_gtid_strict_mode = \(self.mariaDBStrictGTIDMode ? 1 : 0)")
            // Duplicates come only from multi-source setups; Sluice wants to see every event.
            statements.append("SET @slave_gtid_ignore_duplicates = 0")
        }
        return statements
    }

    /// COM_REGISTER_SLAVE.
    var registerCommand: MySQLCommand {
        .registerReplica(serverID: self.serverID, hostname: self.replicaHostname, port: 0)
    }

    /// The dump command; call after `setupStatements`, which validates the start.
    func dumpCommand(isMariaDB: Bool) -> MySQLCommand {
        var flags: MySQLCommand.BinlogDumpFlags = self.stopAtEnd ? [.nonBlocking] : []
        if isMariaDB { flags.insert(.sendAnnotateRows) }
        switch self.start {
        case .filePosition(let file, let position):
            return .binlogDump(position: UInt32(clamping: position), flags: flags, serverID: self.serverID, file: file)
        case .mysqlGTIDSet(let encoded):
            flags.insert(.throughGTID)
            return .binlogDumpGTID(flags: flags, serverID: self.serverID, file: "", position: 4, encodedGTIDSet: encoded)
        case .mariaGTID:
            // The position comes from @slave_connect_state; file and offset are ignored.
            return .binlogDump(position: 4, flags: flags, serverID: self.serverID, file: "")
        }
    }
}
