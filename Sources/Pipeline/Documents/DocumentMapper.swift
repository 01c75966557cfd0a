import Binlog
import ChangeCapture
import NIOCore

/// Turns row changes into document writes, following the table rules: index name, id columns,
/// kept and renamed fields.
///
/// `_id` is the key value as text when the key has one column (numbers in decimal, strings as they
/// are, other values as their JSON text without quotes), and the key values as a JSON array when
/// it has several (`[7,"a"]`): unambiguous, whatever the values contain.
public struct DocumentMapper: Sendable {
    private let rules: [String: TableRule]
    private var plans = LayoutCache<Plan>()
    /// Where each document is written first; it keeps its capacity from one document to the next.
    private var scratch = ByteBuffer()

    /// How one table layout maps to documents, worked out once per layout. (A class: every change
    /// looks its plan up, and a struct's copy retained each of its arrays and strings.)
    public final class Plan: Sendable {
        public let index: String
        /// Column indexes of the id, in order; nil when the table has no key and no rule names one.
        public let idColumns: [Int]?
        /// (column index, field name) of the fields kept.
        public let fields: [(column: Int, name: String)]
        /// The fields' names as JSON keys, escaped once rather than in every document.
        let keys: JSONMemberNames

        init(index: String, idColumns: [Int]?, fields: [(column: Int, name: String)]) {
            self.index = index
            self.idColumns = idColumns
            self.fields = fields
            keys = JSONMemberNames(fields.map(\.name))
        }
    }

    /// Why a change cannot become a write; it goes to the dead-letter file.
    public struct Unmappable: Error, CustomStringConvertible {
        public var description: String
    }

    public init(rules: [TableRule]) {
        var byTable: [String: TableRule] = [:]
        for rule in rules { byTable["\(rule.database).\(rule.table)"] = rule }
        self.rules = byTable
    }

    /// The plan for a change's table layout.
    public mutating func plan(for change: RowChange) -> Plan {
        if let plan = plans[change.layout] { return plan }
        let rule = rules["\(change.database).\(change.table)"]
        let names = change.columns.names
        var idColumns = change.keyColumns
        if let named = rule?.idColumns {
            let indexes = named.compactMap { names.firstIndex(of: $0) }
            idColumns = indexes.count == named.count ? indexes : nil
        }
        let fields = names.indices.compactMap { column -> (column: Int, name: String)? in
            guard rule?.columns.keeps(names[column]) ?? true else { return nil }
            return (column, rule?.rename[names[column]] ?? names[column])
        }
        let plan = Plan(
            index: rule?.index ?? TableRule.defaultIndex(database: change.database, table: change.table),
            idColumns: idColumns,
            fields: fields
        )
        plans.insert(plan, for: change.layout)
        return plan
    }

    /// Appends the writes for one change to `writes`: one, or two when an update changes the id
    /// (delete the old, index the new). Nothing is appended when the change cannot be mapped.
    ///
    /// Appending rather than returning an array saves an allocation per change (measured: about 5%
    /// of building bulk bodies).
    public mutating func appendWrites(for change: RowChange, version: UInt64, to writes: inout [DocumentWrite]) throws(Unmappable) {
        let plan = plan(for: change)
        guard let idColumns = plan.idColumns else {
            throw Unmappable(description: "\(change.database).\(change.table) has no primary key; name its key columns in rules[].id")
        }
        switch change.operation {
        case .insert:
            writes.append(try index(change, plan: plan, idColumns: idColumns, version: version))
        case .delete:
            let id = try Self.id(change.before, columns: idColumns, change: change)
            writes.append(DocumentWrite(index: plan.index, id: id, version: version, source: nil, change: change))
        case .update:
            let write = try index(change, plan: plan, idColumns: idColumns, version: version)
            let oldID = try Self.id(change.before, columns: idColumns, change: change)
            if oldID != write.id {
                writes.append(DocumentWrite(index: plan.index, id: oldID, version: version, source: nil, change: change))
            }
            writes.append(write)
        }
    }

    private mutating func index(_ change: RowChange, plan: Plan, idColumns: [Int], version: UInt64) throws(Unmappable) -> DocumentWrite {
        guard let after = change.after else { throw Unmappable(description: "an \(change.operation) without an after image") }
        // Every field present: a missing one is an error, not a document without it. (Matched, not
        // compared with nil, which copies each value.)
        for field in plan.fields {
            guard field.column < after.count, case .some = after[field.column] else {
                throw Unmappable(
                    description: "the row image lacks column \(change.columns[field.column]) (binlog_row_image is not FULL); "
                        + "set binlog_row_image=FULL on the source"
                )
            }
        }
        func put(_ output: inout RawJSONOutput) {
            output.put(UInt8(ascii: "{"))
            plan.keys.withBytes { keys in
                for (position, field) in plan.fields.enumerated() {
                    if position > 0 { output.put(UInt8(ascii: ",")) }
                    plan.keys.put(position, from: keys, into: &output)
                    after[field.column]?.putJSON(into: &output)
                }
            }
            output.put(UInt8(ascii: "}"))
        }
        // Put in one buffer access (the hot path), first into the room the buffer has: working out
        // the document's bound, field by field, cost about as much as writing it (measured). Only
        // a document that did not fit has its bound worked out; JSON documents and geometries
        // have none, and are written piece by piece.
        scratch.clear()
        if !scratch.writeJSONOutputIfItFits(put) {
            let bound = plan.fields.indices.reduce(Int?(2)) { total, position in
                total.flatMap { total in after[plan.fields[position].column]?.jsonSizeBound.map { total + $0 + plan.keys.length(position) + 1 } }
            }
            if let bound {
                scratch.writeJSONOutput(capacity: bound, put)
            } else {
                scratch.writeInteger(UInt8(ascii: "{"))
                for (position, field) in plan.fields.enumerated() {
                    if position > 0 { scratch.writeInteger(UInt8(ascii: ",")) }
                    scratch.writeJSONString(field.name)
                    scratch.writeInteger(UInt8(ascii: ":"))
                    after[field.column]?.writeJSON(into: &scratch)
                }
                scratch.writeInteger(UInt8(ascii: "}"))
            }
        }
        // A buffer of the document's own size: the bound is often several times larger (six bytes a
        // character of text), and queued documents would hold that much memory each.
        var source = ByteBufferAllocator().buffer(capacity: scratch.readableBytes)
        source.writeImmutableBuffer(scratch)
        let id = try Self.id(after, columns: idColumns, change: change)
        return DocumentWrite(index: plan.index, id: id, version: version, source: source, change: change)
    }

    /// The `_id` of a row image.
    static func id(_ image: [ColumnValue?]?, columns: [Int], change: RowChange) throws(Unmappable) -> String {
        guard let image else { throw Unmappable(description: "a \(change.operation) without the image its id comes from") }
        // One integer or string key column, the usual case, without collecting the values first.
        if columns.count == 1, columns[0] < image.count {
            switch image[columns[0]] {
            case let .int(value)?: return String(value)
            case let .uint(value)?: return String(value)
            case let .string(value)?, let .decimal(value)?: return value
            default: break
            }
        }
        var values: [ColumnValue] = []
        for column in columns {
            guard column < image.count, let value = image[column], value != .null else {
                throw Unmappable(description: "id column \(change.columns[column]) is missing or NULL")
            }
            values.append(value)
        }
        var buffer = ByteBuffer()
        if values.count > 1 { buffer.writeInteger(UInt8(ascii: "[")) }
        for (position, value) in values.enumerated() {
            if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            value.writeJSON(into: &buffer)
        }
        if values.count > 1 { buffer.writeInteger(UInt8(ascii: "]")) }
        var text = String(buffer: buffer)
        // A lone value that renders as a JSON string (a date, base64 bytes) is used without its quotes.
        if values.count == 1, text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
            text = String(text.dropFirst().dropLast())
        }
        return text
    }
}
