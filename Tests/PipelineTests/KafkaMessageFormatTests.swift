import Binlog
import ChangeCapture
import Elasticsearch
import Kafka
import NIOCore
@testable import Pipeline
import Testing

/// Each Kafka message format, written from a known change and read back: the change that comes
/// back renders to the same JSON, column by column, as the one that went in.
@Suite struct KafkaMessageFormatTests {
    static let layout = TableLayout(
        database: "shop", table: "orders",
        columns: ColumnLayout(["id", "total", "big", "note", "placed", "shipped", "day", "extra"]), keyColumns: [0]
    )
    static let before: [ColumnValue?] = [
        .int(7), .decimal("-12.340"), .uint(18_446_744_073_709_551_615), .string("a \"quoted\" note"),
        .datetime(MySQLDateTime(date: MySQLDate(year: 2024, month: 1, day: 2), hour: 3, minute: 4, second: 5, microsecond: 123_456, fsp: 6)),
        .null, .date(MySQLDate(year: 2024, month: 2, day: 29)), .jsonText(#"{"a":[1,2]}"#),
    ]
    static var after: [ColumnValue?] {
        var row = before
        row[1] = .decimal("99.000")
        row[5] = .timestamp(MySQLTimestamp(seconds: 1_700_000_000, microsecond: 0, fsp: 0))
        return row
    }

    static func change(_ operation: RowChange.Operation) -> RowChange {
        RowChange(
            operation: operation, layout: layout,
            before: operation == .insert ? nil : before, after: operation == .delete ? nil : after,
            position: ChangePosition(file: "mariadb-bin.000003", offset: 1234, gtid: "0-1-42", version: 42 << 23 | 3),
            timestamp: 1_700_000_000
        )
    }

    /// The message as a consumer would read it.
    static func roundTrip(_ change: RowChange, format: KafkaMessageFormat) throws -> (KafkaOutgoingMessage, RowChange) {
        var encoder = KafkaChangeEncoder(format: format)
        let message = try encoder.message(for: change, commit: ReplicationPosition(file: "mariadb-bin.000003", offset: 2000, gtidSet: "0-1-42"))
        let consumed = KafkaConsumedMessage(
            topicPartition: KafkaTopicPartition(topic: message.topic, partition: 0), offset: 5, key: message.key, value: message.value,
            headers: message.headers, timestamp: nil
        )
        var decoder = KafkaChangeDecoder(format: format)
        return (message, try decoder.change(from: consumed))
    }

    /// Column name to the JSON its value renders as; absent columns left out.
    static func rendered(_ image: [ColumnValue?]?, names: [String]) -> [String: String]? {
        guard let image else { return nil }
        var result: [String: String] = [:]
        for (index, value) in image.enumerated() {
            guard let value else { continue }
            var buffer = ByteBuffer()
            value.writeJSON(into: &buffer)
            result[names[index]] = String(buffer: buffer)
        }
        return result
    }

    @Test(arguments: KafkaMessageFormat.allCases, [RowChange.Operation.insert, .update, .delete])
    func decodedChangeRendersAsTheOriginal(format: KafkaMessageFormat, operation: RowChange.Operation) throws {
        let original = Self.change(operation)
        let (message, decoded) = try Self.roundTrip(original, format: format)
        #expect(message.topic == "sluice.shop.orders")
        #expect(message.key == Array("7".utf8))
        #expect(decoded.operation == operation)
        #expect(decoded.database == "shop")
        #expect(decoded.table == "orders")
        #expect(decoded.keyColumns.map { $0.map { decoded.columns[$0] } } == ["id"])
        #expect(decoded.position.version == original.position.version)
        #expect(decoded.position.file == "mariadb-bin.000003")
        #expect(decoded.position.offset == 1234)
        #expect(decoded.position.gtid == "0-1-42")
        let names = Self.layout.columns.names
        #expect(Self.rendered(decoded.after, names: decoded.columns.names) == Self.rendered(original.after, names: names))
        // canal carries an update's previous values only for the columns that changed; the rest
        // are the same as after, which gives the same before image.
        #expect(Self.rendered(decoded.before, names: decoded.columns.names) == Self.rendered(original.before, names: names))
    }

    /// The key columns go in a header only where the value does not name them.
    @Test(arguments: KafkaMessageFormat.allCases)
    func headersCarryVersionPositionCommitAndWhereNeededKey(format: KafkaMessageFormat) throws {
        let (message, _) = try Self.roundTrip(Self.change(.update), format: format)
        let headers = Dictionary(message.headers.map { ($0.name, String(decoding: $0.value, as: UTF8.self)) }) { first, _ in first }
        var expected = [
            "sluice.version": String(42 << 23 | 3), "sluice.position": "mariadb-bin.000003:1234", "sluice.gtid": "0-1-42",
            "sluice.commit": "mariadb-bin.000003:2000", "sluice.commit.gtids": "0-1-42",
        ]
        if format == .debezium { expected["sluice.key"] = #"["id"]"# }
        #expect(headers == expected)
    }

    /// The topic and headers are made once per event: every change gets those of its own.
    @Test func eachChangeCarriesTheVersionPositionGTIDAndTopicOfItsOwnEvent() throws {
        var encoder = KafkaChangeEncoder(format: .sluice)
        var version = Self.update(id: 1, at: 100)
        version.position.version = 7
        var gtid = Self.update(id: 2, at: 100)
        gtid.position = ChangePosition(file: "mariadb-bin.000003", offset: 100, gtid: "0-1-9", version: 7)
        let other = TableLayout(database: "shop", table: "returns", columns: Self.layout.columns, keyColumns: [0])
        let changes = [
            Self.update(id: 1, at: 100), Self.update(id: 3, at: 100, layout: other), Self.update(id: 2, at: 100), version, gtid,
            Self.update(id: 1, at: 200),
        ]
        let messages = try changes.map { change in
            let message = try encoder.message(for: change, commit: nil)
            return [message.topic] + message.headers.map { "\($0.name)=\(String(decoding: $0.value, as: UTF8.self))" }
        }
        #expect(messages == [
            ["sluice.shop.orders", "sluice.version=100", "sluice.position=mariadb-bin.000003:100"],
            ["sluice.shop.returns", "sluice.version=100", "sluice.position=mariadb-bin.000003:100"],
            ["sluice.shop.orders", "sluice.version=100", "sluice.position=mariadb-bin.000003:100"],
            ["sluice.shop.orders", "sluice.version=7", "sluice.position=mariadb-bin.000003:100"],
            ["sluice.shop.orders", "sluice.version=7", "sluice.position=mariadb-bin.000003:100", "sluice.gtid=0-1-9"],
            ["sluice.shop.orders", "sluice.version=200", "sluice.position=mariadb-bin.000003:200"],
        ])
    }

    /// An update of row `id` of `layout`, at `offset`.
    static func update(id: Int64, at offset: UInt64, layout: TableLayout = layout) -> RowChange {
        var row = before
        row[0] = .int(id)
        return RowChange(
            operation: .update, layout: layout, before: row, after: row,
            position: ChangePosition(file: "mariadb-bin.000003", offset: offset, gtid: nil, version: offset), timestamp: 1_700_000_000
        )
    }

    @Test func aChunkKeepsTheLastChangeOfEachDocumentInTheOrderOfThoseLastChanges() throws {
        let other = TableLayout(database: "shop", table: "returns", columns: Self.layout.columns, keyColumns: [0])
        let changes = [
            Self.update(id: 1, at: 10), Self.update(id: 2, at: 20), Self.update(id: 1, at: 30),
            Self.update(id: 1, at: 35, layout: other), Self.update(id: 3, at: 40), Self.update(id: 2, at: 50),
        ]
        var encoder = KafkaChangeEncoder(format: .sluice)
        let kept = try encoder.lastChangePerDocument(changes)
        #expect(kept.map(\.key) == ["1", "1", "3", "2"])
        #expect(kept.map { changes[$0.index].position.offset } == [30, 35, 40, 50])

        let distinct = try encoder.lastChangePerDocument([Self.update(id: 5, at: 60), Self.update(id: 6, at: 70)])
        #expect(distinct.map(\.index) == [0, 1])

        // Inserts alone are all kept, in order, even should a key repeat.
        let inserts = try encoder.lastChangePerDocument([Self.change(.insert), Self.change(.insert)])
        #expect(inserts.map(\.index) == [0, 1])
    }

    @Test func sluiceValueIsTheTailLine() throws {
        let change = Self.change(.insert)
        let (message, _) = try Self.roundTrip(change, format: .sluice)
        var line = ByteBuffer()
        change.writeJSONLine(into: &line)
        #expect(String(buffer: message.value) + "\n" == String(buffer: line))
    }

    @Test func canalFlatMessageHasCanalsFields() throws {
        let (message, _) = try Self.roundTrip(Self.change(.update), format: .canal)
        let json = try JSON(parsing: message.value)
        #expect(json["type"] == .string("UPDATE"))
        #expect(json["database"] == .string("shop"))
        #expect(json["pkNames"] == .array([.string("id")]))
        #expect(json["isDdl"] == .bool(false))
        #expect(json["es"] == .number("1700000000000"))
        #expect(json["mysqlType"]?["total"] == .string("decimal"))
        let row = try #require(json["data"]?.arrayValue?.first)
        #expect(row["id"] == .string("7"))
        #expect(row["total"] == .string("99.000"))
        #expect(row["placed"] == .string("2024-01-02 03:04:05.123456"))
        #expect(row["shipped"] == .string("2023-11-14 22:13:20"))
        // Only what changed, with its previous value.
        let old = try #require(json["old"]?.arrayValue?.first)
        #expect(old == .object([(key: "total", value: .string("-12.340")), (key: "shipped", value: .null)]))
    }

    @Test func debeziumEnvelopeHasSourceAndOp() throws {
        let (message, _) = try Self.roundTrip(Self.change(.delete), format: .debezium)
        let json = try JSON(parsing: message.value)
        #expect(json["op"] == .string("d"))
        #expect(json["after"] == .null)
        #expect(json["ts_ms"] == .number("1700000000000"))
        let source = try #require(json["source"])
        #expect(source["db"] == .string("shop"))
        #expect(source["table"] == .string("orders"))
        #expect(source["file"] == .string("mariadb-bin.000003"))
        #expect(source["pos"] == .number("1234"))
        #expect(source["gtid"] == .string("0-1-42"))
        #expect(source["row"] == .number("0"))
    }

    @Test func aMessageWithoutAVersionIsWrittenWithoutOne() throws {
        let (message, _) = try Self.roundTrip(Self.change(.insert), format: .canal)
        let consumed = KafkaConsumedMessage(
            topicPartition: KafkaTopicPartition(topic: message.topic, partition: 0), offset: 0, key: message.key, value: message.value,
            headers: [], timestamp: nil
        )
        var decoder = KafkaChangeDecoder(format: .canal)
        let change = try decoder.change(from: consumed)
        #expect(change.position.version == 0)
        var body = ByteBuffer()
        BulkOperation.delete(index: "orders", id: "7", version: 0).writeNDJSON(into: &body)
        #expect(String(buffer: body) == #"{"delete":{"_index":"orders","_id":"7"}}"# + "\n")
    }

    @Test func malformedMessagesAreNamedByPlace() throws {
        var decoder = KafkaChangeDecoder(format: .debezium)
        let consumed = KafkaConsumedMessage(
            topicPartition: KafkaTopicPartition(topic: "t", partition: 2), offset: 9, key: nil, value: ByteBuffer(string: #"{"op":"x"}"#),
            headers: [], timestamp: nil
        )
        #expect(throws: KafkaChangeDecoder.Malformed.self) { try decoder.change(from: consumed) }
        do {
            _ = try decoder.change(from: consumed)
        } catch {
            #expect(error.description.hasPrefix("t[2] offset 9:"))
        }
    }

    @Test func topicTemplateBecomesASubscriptionPattern() throws {
        let yaml = """
            source: {url: "mysql://u:p@127.0.0.1:3307", server_id: 9, tables: ['shop\\..*']}
            sink: {elasticsearch: {url: "http://127.0.0.1:9200"}}
            positions: {store: memory}
            kafka: {brokers: "127.0.0.1:9092", topic: "cdc.{db}-{table}", format: canal, properties: {sasl.password: secret}}
            """
        let configuration = try SluiceConfiguration.parse(yaml, file: "test.yml", environment: [:])
        let kafka = try #require(configuration.kafka)
        #expect(kafka.subscription == #"^cdc\.[^.]+\-[^.]+$"#)
        #expect(kafka.format == .canal)
        #expect(kafka.properties["bootstrap.servers"] == "127.0.0.1:9092")
        #expect(!configuration.description.contains("secret"))
    }
}
