import Foundation
import ChangeCapture
import Positions

/// Runs statements that each change one row with one rows event, and remembers the external
/// version each row's document must end with: the version of the row's last change
/// (`DocumentVersion`: the GTID sum at its transaction, and the rows event's index in it).
struct VersionLedger {
    let db: ScratchDatabase
    /// Row id to the version its document must have; deleted rows have none.
    private(set) var expected: [Int: UInt64] = [:]

    struct Statement {
        var sql: String
        var id: Int
        var deletes = false
    }

    init(_ db: ScratchDatabase) {
        self.db = db
    }

    /// One statement in its own (autocommit) transaction.
    mutating func execute(_ sql: String, id: Int, deletes: Bool = false) async throws {
        try await transaction([Statement(sql: sql, id: id, deletes: deletes)])
    }

    /// Statements in one transaction; one document written twice in it keeps the later version.
    mutating func transaction(_ statements: [Statement]) async throws {
        if statements.count > 1 { try await db.execute("START TRANSACTION") }
        for statement in statements { try await db.execute(statement.sql) }
        if statements.count > 1 { try await db.execute("COMMIT") }
        let row = try await db.execute("SELECT @@last_gtid, @@gtid_binlog_pos").rows[0]
        let sum = Self.gtidSum(last: row[0] ?? "", binlogPosition: row[1] ?? "")
        for (index, statement) in statements.enumerated() {
            expected[statement.id] = statement.deletes ? nil : DocumentVersion.gtid(sum: sum, eventIndex: index + 1)
        }
    }

    /// The sum over GTID domains at the transaction `last` (this session's last GTID): its own
    /// sequence number plus the other domains' current ones.
    static func gtidSum(last: String, binlogPosition: String) -> UInt64 {
        let parts = last.split(separator: "-")
        guard parts.count == 3, let sequence = UInt64(parts[2]) else { return 0 }
        var sum = sequence
        for gtid in binlogPosition.split(separator: ",") {
            let fields = gtid.trimmingCharacters(in: .whitespaces).split(separator: "-")
            if fields.count == 3, fields[0] != parts[0], let other = UInt64(fields[2]) { sum += other }
        }
        return sum
    }
}

extension SavedPosition {
    /// Whether this position is at or past `file`:`offset` on the same server.
    func isAtOrAfter(file other: String, offset otherOffset: UInt64) -> Bool {
        file > other || (file == other && offset >= otherOffset)
    }

    /// The sum of the sequence numbers of the saved GTID position (MariaDB `domain-server-seq,…`).
    var gtidSum: UInt64? {
        guard let gtidSet, !gtidSet.isEmpty else { return nil }
        return gtidSet.split(separator: ",").reduce(0) { sum, gtid in
            sum + (gtid.split(separator: "-").last.flatMap { UInt64($0.trimmingCharacters(in: .whitespaces)) } ?? 0)
        }
    }
}
