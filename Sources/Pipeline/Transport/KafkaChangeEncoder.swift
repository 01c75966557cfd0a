import Binlog
import Foundation
import ChangeCapture
import Kafka
import NIOCore

/// Turns row changes into Kafka messages: the topic from a template, the document key as the
/// message key (so the partitioner keeps each document's changes in one partition, in order), the
/// value in the chosen format, and headers with the version, the source position and, on a
/// transaction's last message, the commit position.
public struct KafkaChangeEncoder {
    public let format: KafkaMessageFormat
    /// `{db}` and `{table}` are replaced: `sluice.{db}.{table}` by default, or one fixed name.
    public let topicTemplate: String
    private var mapper: DocumentMapper
    private var layouts = LayoutCache<LayoutParts>()
    /// The rows event of the previous change, the change's row within it (Debezium's `row`), and
    /// what the event's messages share.
    private var lastEvent: (file: String, offset: UInt64, row: Int, parts: EventParts?) = ("", .max, 0, nil)

    /// The topic and headers of a rows event's messages, made once per event. A change with
    /// another version, layout or GTID at the same position (only tests make one) gets its own.
    /// (A class: each message takes it, and a struct's copy retained each of its fields.)
    private final class EventParts {
        let version: UInt64
        let layout: TableLayout
        let gtid: String?
        let topic: String
        /// The version, position, GTID and (for formats that need it) key-columns headers.
        let headers: [KafkaHeader]

        init(version: UInt64, layout: TableLayout, gtid: String?, topic: String, headers: [KafkaHeader]) {
            self.version = version
            self.layout = layout
            self.gtid = gtid
            self.topic = topic
            self.headers = headers
        }
    }

    /// What every message of one table layout shares.
    private struct LayoutParts {
        let topic: String
        let keyColumns: KafkaHeader?
    }

    public static let defaultTopicTemplate = "sluice.{db}.{table}"

    public init(format: KafkaMessageFormat, topicTemplate: String = Self.defaultTopicTemplate, rules: [TableRule] = []) {
        self.format = format
        self.topicTemplate = topicTemplate
        mapper = DocumentMapper(rules: rules)
    }

    /// The message for `change`, keyed by its document. `commit` is set on the last change of a transaction.
    public mutating func message(for change: RowChange, commit: ReplicationPosition?) throws -> KafkaOutgoingMessage {
        var message = KafkaOutgoingMessage(topic: "", key: nil, value: ByteBuffer())
        encode(change, key: try documentKey(change), commit: commit, into: &message)
        return message
    }

    /// The last change of each document among `changes`, in the order of those last changes: its
    /// index in `changes` and its document key.
    ///
    /// Documents are told apart by table layout and key. Two layouts of one table in a chunk would
    /// only keep both changes, in order: dropping the earlier is an optimisation, never needed.
    public mutating func lastChangePerDocument(_ changes: [RowChange]) throws -> [(index: Int, key: String)] {
        var keyed: [(index: Int, key: String)] = []
        keyed.reserveCapacity(changes.count)
        for index in changes.indices { keyed.append((index, try documentKey(changes[index]))) }
        // Inserts alone touch each document once, unless a key the user chose repeats: then both
        // are kept, in order, which is never wrong. (Read by index: iterating copied each change.)
        guard keyed.count > 1, changes.indices.contains(where: { changes[$0].operation != .insert }) else { return keyed }
        var seen = Set<LayoutKey>(minimumCapacity: keyed.count)
        var superseded: [Bool] = []
        for position in keyed.indices.reversed()
        where !seen.insert(LayoutKey(layout: ObjectIdentifier(changes[keyed[position].index].layout), key: keyed[position].key)).inserted {
            if superseded.isEmpty { superseded = Array(repeating: false, count: keyed.count) }
            superseded[position] = true
        }
        guard !superseded.isEmpty else { return keyed }
        return keyed.indices.compactMap { superseded[$0] ? nil : keyed[$0] }
    }

    private struct LayoutKey: Hashable {
        let layout: ObjectIdentifier
        let key: String
    }

    /// Makes `message` the message for `change` with document key `key`, reusing its key and
    /// value storage: messages produced one after another (librdkafka copies each) then cost no
    /// allocation of their own.
    public mutating func encode(_ change: RowChange, key: String, commit: ReplicationPosition?, into message: inout KafkaOutgoingMessage) {
        let position = change.position
        if position.offset != lastEvent.offset || position.file != lastEvent.file {
            lastEvent = (position.file, position.offset, 0, nil)
        } else {
            lastEvent.row += 1
        }
        message.value.clear()
        switch format {
        case .sluice:
            change.writeJSONLine(into: &message.value)
            message.value.moveWriterIndex(to: message.value.writerIndex - 1)
        case .canal:
            change.writeCanalFlatMessage(into: &message.value)
        case .debezium:
            change.writeDebeziumEnvelope(row: lastEvent.row, into: &message.value)
        }
        if message.key == nil { message.key = [] }
        message.key!.removeAll(keepingCapacity: true)
        message.key!.append(contentsOf: key.utf8)
        message.partition = nil
        let parts = eventParts(for: change)
        message.topic = parts.topic
        message.headers = parts.headers
        if let commit {
            message.headers.append(KafkaHeader(KafkaChangeHeader.commit, "\(commit.file):\(commit.offset)"))
            if let gtids = commit.gtidSet { message.headers.append(KafkaHeader(KafkaChangeHeader.commitGTIDs, gtids)) }
        }
    }

    private mutating func eventParts(for change: RowChange) -> EventParts {
        let position = change.position
        if let parts = lastEvent.parts, parts.version == position.version, parts.layout === change.layout, parts.gtid == position.gtid {
            return parts
        }
        let layoutParts = self.parts(for: change.layout)
        var headers = [
            KafkaHeader(KafkaChangeHeader.version, String(position.version)),
            KafkaHeader(KafkaChangeHeader.position, "\(lastEvent.file):\(lastEvent.offset)"),
        ]
        if let gtid = position.gtid { headers.append(KafkaHeader(KafkaChangeHeader.gtid, gtid)) }
        if let keyColumns = layoutParts.keyColumns { headers.append(keyColumns) }
        let parts = EventParts(version: position.version, layout: change.layout, gtid: position.gtid, topic: layoutParts.topic, headers: headers)
        lastEvent.parts = parts
        return parts
    }

    /// The document's `_id`, as the Elasticsearch sink names it: the new id for an insert or
    /// update, the old for a delete.
    public mutating func documentKey(_ change: RowChange) throws -> String {
        let plan = mapper.plan(for: change)
        guard let idColumns = plan.idColumns else {
            throw PipelineError("\(change.database).\(change.table) has no primary key, so its messages would have no key: name its key columns in rules[].id")
        }
        do {
            return try DocumentMapper.id(change.operation == .delete ? change.before : change.after, columns: idColumns, change: change)
        } catch {
            throw PipelineError("a change of \(change.database).\(change.table) at \(change.position.file):\(change.position.offset) has no key: \(error)")
        }
    }

    private mutating func parts(for layout: TableLayout) -> LayoutParts {
        if let parts = layouts[layout] { return parts }
        let topic = topicTemplate.replacingOccurrences(of: "{db}", with: layout.database).replacingOccurrences(of: "{table}", with: layout.table)
        var keyColumns: KafkaHeader?
        // Each header costs librdkafka allocations and bytes on the wire: this one only goes
        // where the value does not name the key columns already.
        if !format.namesKeyColumns, let indexes = layout.keyColumns {
            var names = ByteBuffer()
            names.writeInteger(UInt8(ascii: "["))
            for (position, index) in indexes.enumerated() {
                if position > 0 { names.writeInteger(UInt8(ascii: ",")) }
                names.writeJSONString(layout.columns[index])
            }
            names.writeInteger(UInt8(ascii: "]"))
            keyColumns = KafkaHeader(KafkaChangeHeader.keyColumns, Array(names.readableBytesView))
        }
        let parts = LayoutParts(topic: topic, keyColumns: keyColumns)
        layouts.insert(parts, for: layout)
        return parts
    }
}
