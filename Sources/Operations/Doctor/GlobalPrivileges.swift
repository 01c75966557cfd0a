import Foundation

/// The global privileges (`ON *.*`) of the account, read from `SHOW GRANTS`, and which of those a
/// binlog reader needs are missing.
struct GlobalPrivileges: Sendable, Equatable {
    /// Upper-cased privilege names, e.g. `REPLICATION SLAVE`, `BINLOG MONITOR`, `ALL PRIVILEGES`.
    var privileges: Set<String>

    /// Reads the `GRANT … ON *.* TO …` lines; other lines (databases, tables, roles) are ignored.
    init(grants: [String]) {
        var privileges: Set<String> = []
        for grant in grants {
            let upper = grant.uppercased()
            guard upper.hasPrefix("GRANT "), let on = upper.range(of: " ON *.* TO ") else { continue }
            for name in upper[upper.index(upper.startIndex, offsetBy: 6)..<on.lowerBound].split(separator: ",") {
                privileges.insert(name.trimmingCharacters(in: .whitespaces))
            }
        }
        self.privileges = privileges
    }

    /// The privileges to grant, in GRANT's spelling for this server; empty when none is missing.
    /// REPLICATION CLIENT is called BINLOG MONITOR since MariaDB 10.5 (the old name is an alias).
    func missing(isMariaDB: Bool) -> [String] {
        if privileges.contains("ALL PRIVILEGES") || privileges.contains("ALL") { return [] }
        var missing: [String] = []
        if !privileges.contains("REPLICATION SLAVE") { missing.append("REPLICATION SLAVE") }
        if privileges.isDisjoint(with: ["REPLICATION CLIENT", "BINLOG MONITOR"]) {
            missing.append(isMariaDB ? "BINLOG MONITOR" : "REPLICATION CLIENT")
        }
        return missing
    }
}
