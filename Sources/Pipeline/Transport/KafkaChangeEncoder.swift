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
    private var topics: [ObjectIdentifier: String] = [:]
    /// The rows event of the previous change and the change's row within it (Debezium's `row`).
    private var lastEvent: (offset: UInt64, row: Int) = (.max, 0)
    private var valueSizeHint = 256

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

    /// The last change of each document among `changes`, in the order of those last changes, each
    /// with its document key.
    ///
    /// Documents are told apart by table layout and key. Two layouts of one table in a chunk would
    /// only keep both changes, in order: dropping the earlier is an optimisation, never needed.
    public mutating func lastChangePerDocument(_ changes: [RowChange]) throws -> [(change: RowChange, key: String)] {
        var keyed: [(change: RowChange, key: String)] = []
        keyed.reserveCapacity(changes.count)
        for change in changes { keyed.append((change, try documentKey(change))) }
        guard keyed.count > 1 else { return keyed }
        var seen = Set<LayoutKey>(minimumCapacity: keyed.count)
        var superseded: [Bool] = []
        for index in keyed.indices.reversed()
        where !seen.insert(LayoutKey(layout: ObjectIdentifier(keyed[index].change.layout), key: keyed[index].key)).inserted {
            if superseded.isEmpty { superseded = Array(repeating: false, count: keyed.count) }
            superseded[index] = true
        }
        // Most chunks (inserts) touch each document once: nothing to drop, nothing to copy.
        guard !superseded.isEmpty else { return keyed }
        return keyed.indices.compactMap { superseded[$0] ? nil : keyed[$0] }
    }

    private struct LayoutKey: Hashable {
        let layout: ObjectIdentifier
        let key: String
    }

    /// The message for `change` with document key `key`.
    public mutating func message(for change: RowChange, key: String, commit: ReplicationPosition?) -> KafkaOutgoingMessage {
        let row = change.position.offset == lastEvent.offset ? lastEvent.row + 1 : 0
        lastEvent = (change.position.offset, row)
        // Sized from the previous message: growing a buffer from empty copied it several times.
        var value = ByteBufferAllocator().buffer(capacity: valueSizeHint)
        switch format {
        case .sluice:
            change.writeJSONLine(into: &value)
            value.moveWriterIndex(to: value.writerIndex - 1)
        case .canal:
            change.writeCanalFlatMessage(into: &value)
        case .debezium:
            change.writeDebeziumEnvelope(row: row, into: &value)
        }
        var headers = [
            KafkaHeader(KafkaChangeHeader.version, String(change.position.version)),
            KafkaHeader(KafkaChangeHeader.position, "\(change.position.file):\(change.position.offset)"),
        ]
        if let gtid = change.position.gtid { headers.append(KafkaHeader(KafkaChangeHeader.gtid, gtid)) }
        if let commit {
            headers.append(KafkaHeader(KafkaChangeHeader.commit, "\(commit.file):\(commit.offset)"))
            if let gtids = commit.gtidSet { headers.append(KafkaHeader(KafkaChangeHeader.commitGTIDs, gtids)) }
        }
        if let keyColumns = change.keyColumns {
            var names = ByteBuffer()
            names.writeInteger(UInt8(ascii: "["))
            for (position, index) in keyColumns.enumerated() {
                if position > 0 { names.writeInteger(UInt8(ascii: ",")) }
                names.writeJSONString(change.columns[index])
            }
            names.writeInteger(UInt8(ascii: "]"))
            headers.append(KafkaHeader(KafkaChangeHeader.keyColumns, Array(names.readableBytesView)))
        }
        valueSizeHint = value.readableBytes + value.readableBytes / 4
        return KafkaOutgoingMessage(topic: topic(for: change), key: Array(key.utf8), value: value, headers: headers)
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

    private mutating func topic(for change: RowChange) -> String {
        let identifier = ObjectIdentifier(change.layout)
        if let topic = topics[identifier] { return topic }
        let topic = topicTemplate.replacingOccurrences(of: "{db}", with: change.database).replacingOccurrences(of: "{table}", with: change.table)
        if topics.count >= 4096 { topics.removeAll() }
        topics[identifier] = topic
        return topic
    }
}
