import Binlog
import NIOCore

/// What `sluice verify` found, per table: counts, and the ids that differ (a bounded sample of each
/// kind, with totals), and what `--repair` did about them.
public struct VerifyReport: Sendable, Equatable {
    public struct Table: Sendable, Equatable {
        /// `db.table`.
        public var table: String
        public var index: String
        public var rows: Int
        public var documents: Int
        public var missing: IDSample
        public var extra: IDSample
        public var different: IDSample
        /// Ids that differed at first and were checked again once the changes in flight had landed.
        public var rechecked = 0
        /// Documents written or deleted by `--repair`; nil without it.
        public var repaired: Int?
        /// Why the table could not be compared, or what is left unsure; nil when it was compared.
        public var problem: String?

        public init(table: String, index: String, rows: Int = 0, documents: Int = 0, sampleLimit: Int) {
            self.table = table
            self.index = index
            self.rows = rows
            self.documents = documents
            missing = IDSample(limit: sampleLimit)
            extra = IDSample(limit: sampleLimit)
            different = IDSample(limit: sampleLimit)
        }

        /// Whether index and table hold the same documents.
        public var matches: Bool { problem == nil && missing.total == 0 && extra.total == 0 && different.total == 0 }
    }

    /// A total and the first `limit` ids.
    public struct IDSample: Sendable, Equatable {
        public var total = 0
        public var ids: [String] = []
        public let limit: Int

        public init(limit: Int) { self.limit = limit }

        public init(_ ids: [String], limit: Int) {
            self.limit = limit
            total = ids.count
            self.ids = Array(ids.prefix(limit))
        }
    }

    public var tables: [Table]

    public init(tables: [Table]) { self.tables = tables }

    /// Whether every table matches its index: `sluice verify` exits 0 only then.
    public var matches: Bool { tables.allSatisfy(\.matches) }

    /// One block per table, for a person.
    public var text: String {
        var lines: [String] = []
        for table in tables {
            let verdict = table.problem != nil ? "NOT VERIFIED" : table.matches ? "ok" : "DIFFERS"
            lines.append("\(table.table) -> \(table.index): \(verdict) (\(table.rows) rows, \(table.documents) documents)")
            if let problem = table.problem { lines.append("  \(problem)") }
            for (label, sample) in [("missing", table.missing), ("extra", table.extra), ("different", table.different)] where sample.total > 0 {
                let more = sample.total > sample.ids.count ? ", …" : ""
                lines.append("  \(label): \(sample.total) (\(sample.ids.joined(separator: ", "))\(more))")
            }
            if table.rechecked > 0 { lines.append("  rechecked: \(table.rechecked) ids checked again once the changes in flight had landed") }
            if let repaired = table.repaired { lines.append("  repaired: \(repaired) documents written or deleted") }
        }
        let differing = tables.filter { !$0.matches }.count
        lines.append(differing == 0 ? "all \(tables.count) tables match their indexes" : "\(differing) of \(tables.count) tables differ from their indexes")
        return lines.joined(separator: "\n")
    }

    /// `{"matches":…,"tables":[{"table":…,"index":…,"rows":…,"documents":…,"missing":{"total":…,"ids":[…]},…}]}`.
    public var json: String {
        var buffer = ByteBuffer()
        buffer.writeStaticString(#"{"matches":"#)
        buffer.writeString(matches ? "true" : "false")
        buffer.writeStaticString(#","tables":["#)
        for (position, table) in tables.enumerated() {
            if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeStaticString(#"{"table":"#)
            buffer.writeJSONString(table.table)
            buffer.writeStaticString(#","index":"#)
            buffer.writeJSONString(table.index)
            buffer.writeStaticString(#","matches":"#)
            buffer.writeString(table.matches ? "true" : "false")
            buffer.writeStaticString(#","rows":"#)
            buffer.writeJSONNumber(Int64(table.rows))
            buffer.writeStaticString(#","documents":"#)
            buffer.writeJSONNumber(Int64(table.documents))
            for (label, sample) in [("missing", table.missing), ("extra", table.extra), ("different", table.different)] {
                buffer.writeStaticString(",")
                buffer.writeJSONKey(label)
                buffer.writeStaticString(#"{"total":"#)
                buffer.writeJSONNumber(Int64(sample.total))
                buffer.writeStaticString(#","ids":["#)
                for (index, id) in sample.ids.enumerated() {
                    if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                    buffer.writeJSONString(id)
                }
                buffer.writeStaticString("]}")
            }
            buffer.writeStaticString(#","rechecked":"#)
            buffer.writeJSONNumber(Int64(table.rechecked))
            if let repaired = table.repaired {
                buffer.writeStaticString(#","repaired":"#)
                buffer.writeJSONNumber(Int64(repaired))
            }
            if let problem = table.problem {
                buffer.writeStaticString(#","problem":"#)
                buffer.writeJSONString(problem)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
        buffer.writeStaticString("]}")
        return String(buffer: buffer)
    }
}
