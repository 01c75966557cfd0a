import NIOCore
import Testing

@testable import MySQLProtocol

@Suite struct BinlogDumpCommandTests {
    static func bytes(_ command: MySQLCommand) -> [UInt8] {
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        return buffer.bytes
    }

    @Test func comQueryAndQuit() {
        #expect(Self.bytes(.query("SELECT 1")) == [0x03] + Array("SELECT 1".utf8))
        #expect(Self.bytes(.quit) == [0x01])
    }

    @Test func comRegisterSlave() {
        #expect(Self.bytes(.registerReplica(serverID: 0x0102_0304, hostname: "sluice", port: 3306)) == [UInt8](hex: """
            15 04030201 06 736c75696365 00 00 ea0c 00000000 00000000
            """))
    }

    @Test func comBinlogDump() {
        #expect(Self.bytes(.binlogDump(position: 4, flags: [.sendAnnotateRows], serverID: 999, file: "binlog.000002")) == [UInt8](hex: """
            12 04000000 0200 e7030000
            """) + Array("binlog.000002".utf8))
    }

    @Test func comBinlogDumpGTID() {
        // One SID with one interval 1-6 (end exclusive), as MySQL encodes a GTID set.
        let gtidSet = [UInt8](hex: "0100000000000000 3e11fa4771ca11e19e33c80aa9429562 0100000000000000 0100000000000000 0600000000000000")
        #expect(Self.bytes(.binlogDumpGTID(flags: [.throughGTID], serverID: 7, file: "", position: 4, encodedGTIDSet: gtidSet)) == [UInt8](hex: """
            1e 0400 07000000 00000000 0400000000000000 30000000
            """) + gtidSet)
    }

    @Test func filePositionRequestOnMySQL() throws {
        let request = BinlogDumpRequest(
            serverID: 999, start: .filePosition(file: "binlog.000003", position: 1234), heartbeatPeriod: .milliseconds(1500)
        )
        #expect(try request.setupStatements(isMariaDB: false) == [
            "SET @master_binlog_checksum = @@global.binlog_checksum",
            "SET @source_binlog_checksum = @@global.binlog_checksum",
            "SET @master_heartbeat_period = 1500000000",
            "SET @source_heartbeat_period = 1500000000",
        ])
        #expect(request.dumpCommand(isMariaDB: false) == .binlogDump(position: 1234, flags: [], serverID: 999, file: "binlog.000003"))
        #expect(request.registerCommand == .registerReplica(serverID: 999, hostname: "", port: 0))
        #expect(request.stallTimeout == .milliseconds(4500))
    }

    @Test func mariaDBGTIDRequest() throws {
        let request = BinlogDumpRequest(serverID: 5, start: .mariaGTID("0-1-42,1-2-7"), heartbeatPeriod: .zero, stopAtEnd: true)
        #expect(try request.setupStatements(isMariaDB: true) == [
            "SET @master_binlog_checksum = @@global.binlog_checksum",
            "SET @source_binlog_checksum = @@global.binlog_checksum",
            "SET @mariadb_slave_capability = 4",
            "SET @slave_connect_state = '0-1-42,1-2-7'",
            "SET @slave_gtid_strict_mode = 1",
            "SET @slave_gtid_ignore_duplicates = 0",
        ])
        #expect(request.dumpCommand(isMariaDB: true) == .binlogDump(position: 4, flags: [.nonBlocking, .sendAnnotateRows], serverID: 5, file: ""))
        #expect(request.stallTimeout == nil)
    }

    @Test func mysqlGTIDRequest() throws {
        let request = BinlogDumpRequest(serverID: 5, start: .mysqlGTIDSet(encoded: [0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(request.dumpCommand(isMariaDB: false) == .binlogDumpGTID(
            flags: [.throughGTID], serverID: 5, file: "", position: 4, encodedGTIDSet: [0, 0, 0, 0, 0, 0, 0, 0]
        ))
    }

    @Test func invalidStartsAreRefusedBeforeAnythingIsSent() {
        #expect(throws: MySQLError.self) {
            try BinlogDumpRequest(serverID: 1, start: .filePosition(file: "b.000001", position: 1 << 32)).setupStatements(isMariaDB: false)
        }
        #expect(throws: MySQLError.self) {
            try BinlogDumpRequest(serverID: 1, start: .mysqlGTIDSet(encoded: [])).setupStatements(isMariaDB: true)
        }
        #expect(throws: MySQLError.self) {
            try BinlogDumpRequest(serverID: 1, start: .mariaGTID("0-1-1")).setupStatements(isMariaDB: false)
        }
        #expect(throws: MySQLError.self) {
            try BinlogDumpRequest(serverID: 1, start: .mariaGTID("0-1-1'; DROP TABLE t; --")).setupStatements(isMariaDB: true)
        }
    }
}
