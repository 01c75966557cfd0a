import Foundation
import Pipeline

/// `sluice status`'s text: the status as a compact table, readable at a glance.
public enum StatusTable {
    public static func render(_ status: PipelineStatus, now: Date) -> String {
        var lines: [String] = []
        let sourceID = status.source.sourceServerID.map { "server id \($0), " } ?? ""
        let inUse = status.source.inUse ?? status.source.url
        let failover = inUse == status.source.url ? "" : ", failed over from \(status.source.url)"
        lines.append("source     \(inUse) (\(sourceID)reading as \(status.source.serverID))\(failover)")
        if let ha = status.highAvailability {
            var text = ha.role
            if let leader = ha.leader, ha.role != "leader" { text += ", leader \(leader)" }
            lines.append("role       \(text)")
        }
        if let position = status.position {
            var text = "\(position.file):\(position.offset)"
            if let gtid = position.gtidSet, !gtid.isEmpty { text += "  gtid \(gtid)" }
            if position.timestamp > 0 { text += "  committed \(time(Date(timeIntervalSince1970: Double(position.timestamp))))" }
            lines.append("position   \(text)")
        } else {
            lines.append("position   none saved yet")
        }
        lines.append("lag        \(duration(status.lag.seconds))" + (status.lag.bytes.map { ", \(bytes($0)) of binlog" } ?? ""))
        if let freshness = status.freshness {
            lines.append("freshness  p50 \(duration(freshness.p50)), p99 \(duration(freshness.p99)) (last \(freshness.samples) transactions)")
        } else {
            lines.append("freshness  no transaction acknowledged yet")
        }
        if let snapshot = status.snapshot {
            lines.append("snapshot   running: \(snapshot.tablesDone) of \(snapshot.tablesTotal) tables copied")
        }
        if let produced = status.kafka?.produced {
            lines.append("kafka      \(count(produced)) messages produced, \(count(status.kafka?.unconfirmed ?? 0)) not confirmed yet")
        }
        if let partitions = status.kafka?.partitions {
            let lag = partitions.reduce(0) { $0 + UInt64(max(0, $1.lag)) }
            lines.append("kafka      consumer lag \(count(lag)) messages over \(partitions.count) partitions owned")
        }
        lines.append("ready      " + (status.ready ? "yes" : "no: " + status.notReady.joined(separator: "; ")))
        if !status.tables.isEmpty {
            lines.append("")
            let header = ["table", "inserts", "updates", "deletes", "documents", "dead letters", "snapshot"]
            let rows = status.tables.map { table in
                [
                    table.name, count(table.inserts), count(table.updates), count(table.deletes), count(table.documents),
                    count(table.deadLetters), snapshot(table),
                ]
            }
            lines += aligned([header] + rows)
        }
        if let partitions = status.kafka?.partitions, !partitions.isEmpty {
            lines.append("")
            let rows = partitions.map { partition in
                [partition.topic, String(partition.partition), partition.committed.map { String($0) } ?? "-", String(partition.end), String(partition.lag)]
            }
            lines += aligned([["topic", "partition", "committed", "end", "lag"]] + rows)
        }
        lines.append("")
        if let problem = status.lastError {
            let age = max(0, now.timeIntervalSince(problem.time))
            lines.append("last error \(time(problem.time)) (\(duration(age)) ago) \(problem.level): \(problem.message)")
        } else {
            lines.append("last error none")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Columns padded to their widest cell: the first left-aligned, the rest right-aligned.
    static func aligned(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    static func snapshot(_ table: PipelineStatus.Table) -> String {
        guard table.snapshotRows > 0 || table.snapshotEstimate != nil else { return "-" }
        return count(table.snapshotRows) + (table.snapshotEstimate.map { " of ~\(count($0))" } ?? "")
    }

    /// `1234567` → `1,234,567`.
    static func count(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }

    /// `0.0423` → `42 ms`, `3.25` → `3.2 s`, `754` → `12m 34s`.
    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1: "\(Int((seconds * 1000).rounded())) ms"
        case ..<60: String(format: "%.1f s", seconds)
        case ..<3600: "\(Int(seconds) / 60)m \(Int(seconds) % 60)s"
        default: "\(Int(seconds) / 3600)h \(Int(seconds) % 3600 / 60)m"
        }
    }

    /// Binary units: `1536` → `1.5 KiB`.
    static func bytes(_ value: UInt64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) bytes" : String(format: "%.1f", amount) + " " + units[unit]
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
