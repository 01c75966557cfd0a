import Binlog
import Elasticsearch
import Testing

@testable import Operations

@Suite struct DoctorRulesTests {
    @Test func mariaDBGrantsWithBinlogMonitorPass() {
        let grants = GlobalPrivileges(grants: [
            "GRANT SELECT, RELOAD, REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR ON *.* TO `sluice`@`127.0.0.1` IDENTIFIED BY PASSWORD '*E1A5'",
            "GRANT ALL PRIVILEGES ON `shop`.* TO `sluice`@`127.0.0.1`",
        ])
        #expect(grants.missing(isMariaDB: true).isEmpty)
    }

    @Test func selectOnlyAccountMissesBothReplicationPrivileges() {
        let grants = GlobalPrivileges(grants: [
            "GRANT USAGE ON *.* TO `sluice_noprivs`@`127.0.0.1` IDENTIFIED BY PASSWORD '*E1A5'",
            "GRANT SELECT ON `sluice\\_test%`.* TO `sluice_noprivs`@`127.0.0.1`",
        ])
        #expect(grants.missing(isMariaDB: true) == ["REPLICATION SLAVE", "BINLOG MONITOR"])
        #expect(grants.missing(isMariaDB: false) == ["REPLICATION SLAVE", "REPLICATION CLIENT"])
    }

    @Test func mysqlReplicationClientAndAllPrivileges() {
        #expect(GlobalPrivileges(grants: ["GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `u`@`%`"]).missing(isMariaDB: false).isEmpty)
        #expect(GlobalPrivileges(grants: ["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"]).missing(isMariaDB: true).isEmpty)
    }

    @Test func grantee() {
        #expect(Doctor.grantee("sluice_noprivs@127.0.0.1") == "'sluice_noprivs'@'127.0.0.1'")
        #expect(Doctor.grantee("sluice") == "'sluice'@'%'")
    }

    @Test func statementFormatFailsWithTheMyCnfLine() {
        let check = ServerVariables(["binlog_format": "STATEMENT"], isMariaDB: true).binlogFormat
        #expect(check.outcome == .fail)
        #expect(check.remedy?.contains("binlog_format=ROW") == true)
        #expect(ServerVariables(["BINLOG_FORMAT": "ROW"], isMariaDB: true).binlogFormat.outcome == .pass)
    }

    @Test func replicaUpdatesByEitherName() {
        // MariaDB and MySQL 5.7 say log_slave_updates; MySQL 8.0.26+ reports log_replica_updates too.
        let maria = ServerVariables(["log_slave_updates": "OFF"], isMariaDB: true)
        let off = maria.replicaUpdates(isReplica: true, statusRemedy: "")
        #expect(off.outcome == .fail)
        #expect(off.remedy?.contains("log_slave_updates=1") == true)
        #expect(maria.replicaUpdates(isReplica: false, statusRemedy: "").outcome == .pass)
        let mysql = ServerVariables(["log_slave_updates": "OFF", "log_replica_updates": "OFF"], isMariaDB: false)
        #expect(mysql.replicaUpdates(isReplica: true, statusRemedy: "").remedy?.contains("log_replica_updates=1") == true)
        #expect(ServerVariables(["log_replica_updates": "ON"], isMariaDB: false).replicaUpdates(isReplica: true, statusRemedy: "").outcome == .pass)
    }

    @Test func serverIDClashes() {
        let variables = ServerVariables(["server_id": "1"], isMariaDB: true)
        #expect(variables.serverID(ours: 1, replicas: [], listRemedy: "").outcome == .fail)
        #expect(variables.serverID(ours: 2, replicas: [(2, "127.0.0.1")], listRemedy: "").outcome == .fail)
        #expect(variables.serverID(ours: 2, replicas: [(2, "sluice"), (3, "127.0.0.1")], listRemedy: "").outcome == .pass)
        #expect(variables.serverID(ours: 2, replicas: nil, listRemedy: "GRANT").outcome == .warn)
    }

    @Test func retentionAgainstLag() {
        let mysql = ServerVariables(["binlog_expire_logs_seconds": "86400", "expire_logs_days": "0"], isMariaDB: false)
        #expect(mysql.retentionSeconds == 86_400)
        #expect(mysql.retention(lagSeconds: 3_600).outcome == .pass)
        #expect(mysql.retention(lagSeconds: 50_000).outcome == .warn)
        #expect(mysql.retention(lagSeconds: 90_000).outcome == .fail)
        let maria = ServerVariables(["expire_logs_days": "2.000000", "binlog_expire_logs_seconds": "0"], isMariaDB: true)
        #expect(maria.retentionSeconds == 172_800)
        #expect(ServerVariables(["expire_logs_days": "0.000000"], isMariaDB: true).retention(lagSeconds: 1e9).outcome == .pass)
    }

    @Test func rowMetadataMinimalWorksWithAWarning() {
        #expect(ServerVariables(["binlog_row_metadata": "FULL"], isMariaDB: true).rowMetadata.outcome == .pass)
        #expect(ServerVariables(["binlog_row_metadata": "MINIMAL"], isMariaDB: false).rowMetadata.outcome == .warn)
    }

    @Test func mappingConflicts() {
        let server = ServerInfo(name: "n", clusterName: "c", distribution: .elasticsearch, version: "8.15.0")
        let expected = IndexMapping(
            columns: [
                (name: "id", column: ColumnDescriptor(type: .longlong, metadata: 0, isUnsigned: false)),
                (name: "name", column: ColumnDescriptor(type: .varchar, metadata: 0, isUnsigned: false)),
            ],
            server: server
        )
        #expect(MappingCompatibility.conflicts(expected: expected, actual: ["id": "keyword", "name": "text"]).isEmpty)
        #expect(MappingCompatibility.conflicts(expected: expected, actual: [:]).isEmpty)
        #expect(MappingCompatibility.conflicts(expected: expected, actual: ["id": "boolean", "name": "long"]) == [
            "id: has boolean, needs long", "name: has long, needs text",
        ])
    }

    @Test func reportLinesAndExit() {
        let report = DoctorReport(checks: [
            .pass("log_bin", "ON"),
            .warn("GTIDs", "off", remedy: "gtid_mode=ON"),
            .fail("binlog_format", "STATEMENT", remedy: "binlog_format=ROW"),
        ])
        #expect(!report.passed)
        #expect(report.text == """
            [pass] log_bin: ON
            [WARN] GTIDs: off; fix: gtid_mode=ON
            [FAIL] binlog_format: STATEMENT; fix: binlog_format=ROW
            1 of 3 checks failed or could not run
            """)
        #expect(DoctorReport(checks: [.pass("a", "b"), .warn("c", "d", remedy: "e")]).passed)
    }
}
