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
    private var layouts: [ObjectIdentifier: LayoutParts] = [:]
    /// The rows event of the previous change, the change's row within it (Debezium's `row`), and
    /// the event's position and version headers.
    private var lastEvent: (file: String, offset: UInt64, row: Int, headers: EventHeaders?) = ("", .max, 0, nil)

    private struct EventHeaders {
        let position: KafkaHeader
        let versionNumber: UInt64
        let version: KafkaHeader
    }
    /// The previous change's GTID and its header: one per transaction.
    private var lastGTID: (gtid: String, header: KafkaHeader)?
    /// The value of each message is written here: the message shares it, and once the message is
    /// gone (librdkafka copies it when it is produced) the next one reuses its storage.
    private var scratch = ByteBufferAllocator().buffer(capacity: 1024)
    /// The headers of each message are gathered here, reused the same way.
    private var headers: [KafkaHeader] = []

    /// What every message of one table layout shares. It holds the layout, so that the layout's
    /// address, the cache's key, is never another layout's while it is cached.
    private struct LayoutParts {
        let layout: TableLayout
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
        message(for: change, key: try documentKey(change), commit: commit)
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
        // are kept, in order, which is never wrong.
        guard keyed.count > 1, changes.contains(where: { $0.operation != .insert }) else { return keyed }
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

    /// The message for `change` with document key `key`. Its value shares this encoder's buffer
    /// until the next message is made.
    public mutating func message(for change: RowChange, key: String, commit: ReplicationPosition?) -> KafkaOutgoingMessage {
        let position = change.position
        if position.offset != lastEvent.offset || position.file != lastEvent.file {
            lastEvent = (position.file, position.offset, 0, nil)
        } else {
            lastEvent.row += 1
        }
        scratch.clear()
        switch format {
        case .sluice:
            change.writeJSONLine(into: &scratch)
            scratch.moveWriterIndex(to: scratch.writerIndex - 1)
        case .canal:
            change.writeCanalFlatMessage(into: &scratch)
        case .debezium:
            change.writeDebeziumEnvelope(row: lastEvent.row, into: &scratch)
        }
        let parts = self.parts(for: change.layout)
        let eventHeaders = self.eventHeaders(version: position.version)
        headers.removeAll(keepingCapacity: true)
        headers.append(eventHeaders.version)
        headers.append(eventHeaders.position)
        if let gtid = position.gtid { headers.append(gtidHeader(gtid)) }
        if let commit {
            headers.append(KafkaHeader(KafkaChangeHeader.commit, "\(commit.file):\(commit.offset)"))
            if let gtids = commit.gtidSet { headers.append(KafkaHeader(KafkaChangeHeader.commitGTIDs, gtids)) }
        }
        if let keyColumns = parts.keyColumns { headers.append(keyColumns) }
        return KafkaOutgoingMessage(topic: parts.topic, key: Array(key.utf8), value: scratch, headers: headers)
    }

    /// The position and version headers of the last event, made once per event. The version is
    /// compared too, so that a change with another version at the same position never gets these.
    private mutating func eventHeaders(version: UInt64) -> EventHeaders {
        if let headers = lastEvent.headers, headers.versionNumber == version { return headers }
        let headers = EventHeaders(
            position: KafkaHeader(KafkaChangeHeader.position, "\(lastEvent.file):\(lastEvent.offset)"),
            versionNumber: version,
            version: KafkaHeader(KafkaChangeHeader.version, String(version))
        )
        lastEvent.headers = headers
        return headers
    }

    /// The GTID header, made once per transaction.
    private mutating func gtidHeader(_ gtid: String) -> KafkaHeader {
        if let last = lastGTID, last.gtid == gtid { return last.header }
        let header = KafkaHeader(KafkaChangeHeader.gtid, gtid)
        lastGTID = (gtid, header)
        return header
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
        let identifier = ObjectIdentifier(layout)
        if let parts = layouts[identifier] { return parts }
        let topic = topicTemplate.replacingOccurrences(of: "{db}", with: layout.database).replacingOccurrences(of: "{table}", with: layout.table)
        var keyColumns: KafkaHeader?
        if let indexes = layout.keyColumns {
            var names = ByteBuffer()
            names.writeInteger(UInt8(ascii: "["))
            for (position, index) in indexes.enumerated() {
                if position > 0 { names.writeInteger(UInt8(ascii: ",")) }
                names.writeJSONString(layout.columns[index])
            }
            names.writeInteger(UInt8(ascii: "]"))
            keyColumns = KafkaHeader(KafkaChangeHeader.keyColumns, Array(names.readableBytesView))
        }
        if layouts.count >= 4096 { layouts.removeAll() }
        let parts = LayoutParts(layout: layout, topic: topic, keyColumns: keyColumns)
        layouts[identifier] = parts
        return parts
    }
}
