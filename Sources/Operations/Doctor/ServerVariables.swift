/// The source's global variables that decide whether Sluice can read it, and the checks on them.
/// MySQL 8 and MariaDB name some differently; each check reads whichever the server reports.
struct ServerVariables: Sendable {
    /// Variable names, lowercased, to their values as SHOW GLOBAL VARIABLES prints them.
    var values: [String: String]
    var isMariaDB: Bool

    /// The variables the checks read; a server reports those it has.
    static let names = [
        "log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata", "gtid_mode", "enforce_gtid_consistency",
        "gtid_binlog_pos", "server_id", "log_slave_updates", "log_replica_updates", "expire_logs_days",
        "binlog_expire_logs_seconds", "version",
    ]

    init(_ values: [String: String], isMariaDB: Bool) {
        self.values = Dictionary(values.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.isMariaDB = isMariaDB
    }

    subscript(name: String) -> String? { values[name] }

    private static func isOn(_ value: String?) -> Bool { ["ON", "1", "TRUE"].contains(value?.uppercased() ?? "") }

    var logBin: DoctorCheck {
        Self.isOn(self["log_bin"])
            ? .pass("log_bin", "ON")
            : .fail("log_bin", "binary logging is off", remedy: "add log_bin=mysql-bin (and a server_id) under [mysqld] in my.cnf and restart the server")
    }

    var binlogFormat: DoctorCheck {
        let format = self["binlog_format"]?.uppercased() ?? "unknown"
        return format == "ROW"
            ? .pass("binlog_format", "ROW")
            : .fail(
                "binlog_format", "\(format); Sluice reads row events only",
                remedy: "add binlog_format=ROW under [mysqld] in my.cnf, and run SET GLOBAL binlog_format=ROW (sessions opened before keep the old format)"
            )
    }

    var rowImage: DoctorCheck {
        let image = self["binlog_row_image"]?.uppercased() ?? "FULL"
        return image == "FULL"
            ? .pass("binlog_row_image", "FULL")
            : .fail(
                "binlog_row_image", "\(image): updates carry only some columns, so documents would lose the others",
                remedy: "add binlog_row_image=FULL under [mysqld] in my.cnf, and run SET GLOBAL binlog_row_image=FULL"
            )
    }

    var rowMetadata: DoctorCheck {
        let remedy = "add binlog_row_metadata=FULL under [mysqld] in my.cnf, and run SET GLOBAL binlog_row_metadata=FULL"
        guard let metadata = self["binlog_row_metadata"]?.uppercased() else {
            return .warn("binlog_row_metadata", "the server has no such setting (before MySQL 8.0.1 / MariaDB 10.5): column names come from information_schema, which may be newer than the binlog being read", remedy: "upgrade the server to get binlog_row_metadata=FULL")
        }
        switch metadata {
        case "FULL": return .pass("binlog_row_metadata", "FULL")
        default:
            return .warn(
                "binlog_row_metadata",
                "\(metadata): works, with column names and keys from information_schema, which may be newer than the binlog being read",
                remedy: remedy
            )
        }
    }

    var gtid: DoctorCheck {
        if isMariaDB {
            let position = self["gtid_binlog_pos"] ?? ""
            return .pass("GTIDs", "MariaDB GTIDs, gtid_binlog_pos=\(position.isEmpty ? "(none yet)" : position)")
        }
        let mode = self["gtid_mode"]?.uppercased() ?? "OFF"
        return mode == "ON"
            ? .pass("GTIDs", "gtid_mode=ON")
            : .warn(
                "GTIDs", "gtid_mode=\(mode): document versions follow binlog file and offset, which mean nothing on another server after a failover",
                remedy: "add gtid_mode=ON and enforce_gtid_consistency=ON under [mysqld] in my.cnf (online: SET GLOBAL gtid_mode step by step, see the MySQL manual)"
            )
    }

    /// Our `server_id` against the server's and every registered replica's (nil when they could
    /// not be listed). A replica registered as `sluice` with our id is most likely this
    /// configuration's own `sluice run`.
    func serverID(ours: UInt32, replicas: [(serverID: UInt32, host: String)]?, listRemedy: String) -> DoctorCheck {
        let name = "server_id"
        let remedy = "set source.server_id to a number no server or other reader uses"
        if let theirs = self["server_id"].flatMap({ UInt32($0) }), theirs == ours {
            return .fail(name, "\(ours) is the server's own server_id", remedy: remedy)
        }
        guard let replicas else {
            return .warn(name, "\(ours) differs from the server's (\(self["server_id"] ?? "?")); its registered replicas could not be listed", remedy: listRemedy)
        }
        let clashes = replicas.filter { $0.serverID == ours }
        if clashes.contains(where: { $0.host != "sluice" }) {
            return .fail(name, "\(ours) is also the server_id of the replica at \(clashes.map(\.host).joined(separator: ", "))", remedy: remedy)
        }
        let note = clashes.isEmpty ? "" : "; a sluice reader with this id is connected (this configuration's sluice run?)"
        return .pass(name, "\(ours) differs from the server's (\(self["server_id"] ?? "?")) and its \(replicas.count) registered replicas'\(note)")
    }

    /// On a replica, its binlog holds the changes it replicates only with log_slave_updates (MySQL
    /// 8: log_replica_updates). `isReplica` is nil when the replica status could not be read.
    func replicaUpdates(isReplica: Bool?, statusRemedy: String) -> DoctorCheck {
        let name = "replica binlog"
        let variable = values["log_replica_updates"] != nil ? "log_replica_updates" : "log_slave_updates"
        let on = Self.isOn(self[variable])
        guard let isReplica else {
            return on
                ? .pass(name, "\(variable)=ON")
                : .warn(name, "cannot tell whether the server is a replica, and \(variable) is OFF", remedy: statusRemedy)
        }
        guard isReplica else { return .pass(name, "the server is not a replica") }
        return on
            ? .pass(name, "the server is a replica and \(variable)=ON, so its binlog has the replicated changes")
            : .fail(
                name, "the server is a replica with \(variable)=OFF: its binlog holds none of the changes it replicates, so Sluice would see nothing",
                remedy: "add \(variable)=1 under [mysqld] in the replica's my.cnf and restart it (or read from the primary)"
            )
    }

    /// The binlog retention in seconds; nil when binlogs are kept until purged by hand.
    var retentionSeconds: Double? {
        if let seconds = self["binlog_expire_logs_seconds"].flatMap(Double.init), seconds > 0 { return seconds }
        if let days = self["expire_logs_days"].flatMap(Double.init), days > 0 { return days * 86_400 }
        return nil
    }

    /// The retention against how far behind the saved position is (nil: nothing saved).
    func retention(lagSeconds: Double?) -> DoctorCheck {
        let name = "binlog retention"
        let setting = isMariaDB ? "expire_logs_days (or binlog_expire_logs_seconds)" : "binlog_expire_logs_seconds"
        guard let retention = retentionSeconds else {
            return .pass(name, "binlogs are kept until purged by hand" + (lagSeconds.map { "; the saved position is \(Self.duration($0)) behind" } ?? ""))
        }
        guard let lag = lagSeconds else { return .pass(name, "binlogs are kept \(Self.duration(retention)); no position saved yet") }
        let detail = "binlogs are kept \(Self.duration(retention)); the saved position is \(Self.duration(lag)) behind"
        let remedy = "raise \(setting) in my.cnf (and SET GLOBAL), and start sluice run so it catches up"
        if lag >= retention { return .fail(name, detail + ": its binlog may be purged any moment", remedy: remedy) }
        if lag >= retention / 2 { return .warn(name, detail + ": over half the retention", remedy: remedy) }
        return .pass(name, detail)
    }

    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<120: return "\(Int(seconds)) s"
        case ..<7_200: return "\(Int(seconds / 60)) min"
        case ..<172_800: return "\(Int(seconds / 3_600)) h"
        default: return "\(Int(seconds / 86_400)) days"
        }
    }
}
