import Binlog
import ChangeCapture
import Elasticsearch
import Kafka
import NIOCore

/// Reads row changes back from Kafka messages in any of the three formats, for `sluice apply`.
///
/// Values come back as what their JSON says: strings as strings, integer literals as integers,
/// other numbers as exact decimal literals, anything else as embedded JSON. Rendered again they give
/// the same JSON, so a document written through Kafka equals one written by `sluice run`. (canal's
/// string values are typed back with its `mysqlType`.) The version comes from the
/// `sluice.version` header; without it the change carries version 0, which writes without one.
public struct KafkaChangeDecoder {
    public let format: KafkaMessageFormat
    /// Layouts already seen, so that changes of one table share one, as the binlog's do.
    private var layouts: [[String]: TableLayout] = [:]

    public init(format: KafkaMessageFormat) {
        self.format = format
    }

    /// A message that is not a row change in the expected format.
    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    public mutating func change(from message: KafkaConsumedMessage) throws(Malformed) -> RowChange {
        let place = "\(message.topicPartition) offset \(message.offset)"
        let json: JSON
        do {
            json = try JSON(parsing: message.value)
        } catch {
            throw Malformed(description: "\(place): not JSON: \(error)")
        }
        let version = message.header(KafkaChangeHeader.version).flatMap { UInt64(String(decoding: $0, as: UTF8.self)) } ?? 0
        var decoded: Decoded
        switch format {
        case .sluice: decoded = try Self.sluice(json, place: place)
        case .canal: decoded = try Self.canal(json, place: place)
        case .debezium: decoded = try Self.debezium(json, place: place)
        }
        if let header = message.header(KafkaChangeHeader.position), case let text = String(decoding: header, as: UTF8.self),
           let colon = text.lastIndex(of: ":"), let offset = UInt64(text[text.index(after: colon)...]) {
            decoded.file = String(text[..<colon])
            decoded.offset = offset
        }
        if let gtid = message.header(KafkaChangeHeader.gtid) { decoded.gtid = String(decoding: gtid, as: UTF8.self) }
        if decoded.keyNames == nil, let header = message.header(KafkaChangeHeader.keyColumns) {
            var buffer = ByteBuffer()
            buffer.writeBytes(header)
            decoded.keyNames = (try? JSON(parsing: buffer))?.arrayValue?.compactMap(\.stringValue)
        }
        return build(decoded, version: version)
    }

    /// What a format gives, before the images are aligned to one column list.
    struct Decoded {
        var operation: RowChange.Operation
        var database: String
        var table: String
        var keyNames: [String]?
        var before: [(key: String, value: ColumnValue)]?
        var after: [(key: String, value: ColumnValue)]?
        var file = ""
        var offset: UInt64 = 0
        var gtid: String?
        var timestamp: UInt32 = 0
    }

    private mutating func build(_ decoded: Decoded, version: UInt64) -> RowChange {
        var names: [String] = []
        for (name, _) in (decoded.after ?? []) + (decoded.before ?? []) where !names.contains(name) { names.append(name) }
        let cacheKey = [decoded.database, decoded.table, (decoded.keyNames ?? ["\u{0}"]).joined(separator: "\u{0}")] + names
        let layout: TableLayout
        if let known = layouts[cacheKey] {
            layout = known
        } else {
            let keyColumns = decoded.keyNames.flatMap { keys -> [Int]? in
                let indexes = keys.compactMap { names.firstIndex(of: $0) }
                return indexes.count == keys.count ? indexes : nil
            }
            layout = TableLayout(database: decoded.database, table: decoded.table, columns: ColumnLayout(names), keyColumns: keyColumns)
            if layouts.count >= 4096 { layouts.removeAll() }
            layouts[cacheKey] = layout
        }
        func image(_ members: [(key: String, value: ColumnValue)]?) -> [ColumnValue?]? {
            guard let members else { return nil }
            var values = [ColumnValue?](repeating: nil, count: names.count)
            for (name, value) in members { if let index = names.firstIndex(of: name) { values[index] = value } }
            return values
        }
        return RowChange(
            operation: decoded.operation, layout: layout, before: image(decoded.before), after: image(decoded.after),
            position: ChangePosition(file: decoded.file, offset: decoded.offset, gtid: decoded.gtid, version: version),
            timestamp: decoded.timestamp
        )
    }

    // MARK: Formats

    private static func sluice(_ json: JSON, place: String) throws(Malformed) -> Decoded {
        let operation: RowChange.Operation
        switch json["op"]?.stringValue {
        case "insert": operation = .insert
        case "update": operation = .update
        case "delete": operation = .delete
        default: throw Malformed(description: "\(place): \"op\" is not insert, update or delete")
        }
        var decoded = Decoded(
            operation: operation, database: try string(json["db"], "db", place), table: try string(json["table"], "table", place),
            keyNames: members(json["key"]).map { $0.map(\.key) }, before: values(json["before"]), after: values(json["after"])
        )
        decoded.file = json["pos"]?["file"]?.stringValue ?? ""
        decoded.offset = json["pos"]?["pos"]?.uint64Value ?? 0
        decoded.gtid = json["pos"]?["gtid"]?.stringValue
        decoded.timestamp = UInt32(clamping: json["ts"]?.uint64Value ?? 0)
        return decoded
    }

    private static func canal(_ json: JSON, place: String) throws(Malformed) -> Decoded {
        if json["isDdl"]?.boolValue == true { throw Malformed(description: "\(place): a canal DDL message, not a row change") }
        let operation: RowChange.Operation
        switch json["type"]?.stringValue {
        case "INSERT": operation = .insert
        case "UPDATE": operation = .update
        case "DELETE": operation = .delete
        case let other: throw Malformed(description: "\(place): canal type \(other ?? "(none)") is not INSERT, UPDATE or DELETE")
        }
        guard let rows = json["data"]?.arrayValue, rows.count == 1, let row = members(rows[0]) else {
            throw Malformed(description: "\(place): canal \"data\" must hold exactly one row (one message per row change)")
        }
        let types = members(json["mysqlType"]) ?? []
        func typed(_ members: [(key: String, value: JSON)]) -> [(key: String, value: ColumnValue)] {
            members.map { member in
                let type = types.first { $0.key == member.key }?.value.stringValue
                guard case let .string(text) = member.value else { return (member.key, columnValue(member.value)) }
                return (member.key, CanalColumnType.value(text, mysqlType: type))
            }
        }
        let current = typed(row)
        var previous: [(key: String, value: ColumnValue)]?
        if operation == .update {
            let old = json["old"]?.arrayValue?.first.flatMap(members).map(typed) ?? []
            previous = current.map { member in old.first { $0.key == member.key } ?? member }
        }
        var decoded = Decoded(
            operation: operation, database: try string(json["database"], "database", place), table: try string(json["table"], "table", place),
            keyNames: json["pkNames"]?.arrayValue?.compactMap(\.stringValue),
            before: operation == .delete ? current : previous, after: operation == .delete ? nil : current
        )
        decoded.timestamp = UInt32(clamping: (json["es"]?.uint64Value ?? 0) / 1000)
        return decoded
    }

    private static func debezium(_ json: JSON, place: String) throws(Malformed) -> Decoded {
        let operation: RowChange.Operation
        switch json["op"]?.stringValue {
        case "c", "r": operation = .insert
        case "u": operation = .update
        case "d": operation = .delete
        default: throw Malformed(description: "\(place): \"op\" is not c, r, u or d")
        }
        guard let source = json["source"] else { throw Malformed(description: "\(place): no \"source\"") }
        var decoded = Decoded(
            operation: operation, database: try string(source["db"], "source.db", place), table: try string(source["table"], "source.table", place),
            keyNames: nil, before: values(json["before"]), after: values(json["after"])
        )
        decoded.file = source["file"]?.stringValue ?? ""
        decoded.offset = source["pos"]?.uint64Value ?? 0
        decoded.gtid = source["gtid"]?.stringValue
        decoded.timestamp = UInt32(clamping: (source["ts_ms"]?.uint64Value ?? 0) / 1000)
        return decoded
    }

    // MARK: Values

    /// A JSON value as the column value that renders to it again.
    static func columnValue(_ json: JSON) -> ColumnValue {
        switch json {
        case .null: .null
        case let .string(text): .string(text)
        case let .number(literal): Int64(literal).map(ColumnValue.int) ?? UInt64(literal).map(ColumnValue.uint) ?? .decimal(literal)
        case .bool, .array, .object: .jsonText(json.description)
        }
    }

    private static func members(_ json: JSON?) -> [(key: String, value: JSON)]? {
        guard case let .object(members)? = json else { return nil }
        return members
    }

    private static func values(_ json: JSON?) -> [(key: String, value: ColumnValue)]? {
        members(json)?.map { ($0.key, columnValue($0.value)) }
    }

    private static func string(_ json: JSON?, _ name: String, _ place: String) throws(Malformed) -> String {
        guard let text = json?.stringValue else { throw Malformed(description: "\(place): \"\(name)\" is missing or not a string") }
        return text
    }
}
