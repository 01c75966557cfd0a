import Binlog
import Foundation
import NIOCore

/// Loads the binlog files in Fixtures/ (see Fixtures/ATTRIBUTION.md) and decodes them whole.
enum Fixture {
    static let all = [
        "json.binlog.000001", "transaction_compression.000001", "mariadb-bin.000001", "mysql-enum-string-set.000001",
        "mysql_type_bit.000001", "minimal_row_metadata.000001", "binlog-invisible-columns.000001", "vector.binlog",
        "binlog_transaction_with_GTID_TAG.000001", "binlog_transaction_previous_GTID_no_tag.000001",
        "mysql-bin.checksum-crc32", "mysql-bin.checksum-none", "mysql-bin.compressed", "mysql-bin.aurora-padding",
        "mysql-bin.000080", "rustus-8.0_19_30_table_map_write_rows.binlog", "rustus-8.0_31_update_rows_v2.binlog",
        "rustus-8.0_32_delete_rows_v2.binlog", "rustus-5.7_29_row_query.binlog", "rustus-5.7_17_18_load.binlog",
        "rustus-5.7_14_user_var.binlog",
    ]

    static func bytes(_ name: String) throws -> ByteBuffer {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }

    struct FixtureMissing: Error {
        var name: String
    }

    /// One decoded event; `inPayload` for the inner events of a TRANSACTION_PAYLOAD.
    struct Decoded {
        var offset: UInt64
        var header: BinlogEventHeader
        var event: BinlogEvent
        var inPayload: Bool
    }

    /// Every event of the file, in order, with TRANSACTION_PAYLOADs followed by their inner events.
    static func decode(_ name: String, prepareTable: (@Sendable (inout TableMapEvent) -> Bool)? = nil) throws -> [Decoded] {
        try decode(bytes: bytes(name), fileName: name, prepareTable: prepareTable)
    }

    static func decode(bytes: ByteBuffer, fileName: String, prepareTable: (@Sendable (inout TableMapEvent) -> Bool)? = nil) throws -> [Decoded] {
        var reader = try BinlogFileReader(bytes, fileName: fileName)
        var decoder = BinlogEventDecoder(fileName: fileName)
        decoder.prepareTable = prepareTable
        var events: [Decoded] = []
        while let (offset, raw) = try reader.next() {
            let event = try decoder.decode(raw, at: offset)
            events.append(Decoded(offset: offset, header: try BinlogEventHeader(raw), event: event, inPayload: false))
            if case .transactionPayload(let payload) = event {
                var inner = try TransactionPayloadReader(payload)
                while let raw = try inner.next() {
                    events.append(Decoded(offset: offset, header: try BinlogEventHeader(raw), event: try decoder.decodePayloadEvent(raw), inPayload: true))
                }
            }
        }
        return events
    }

    /// Whether the file's events carry CRC-32 trailers (all but one fixture do).
    static func checksummed(_ name: String) -> Bool {
        name != "mysql-bin.checksum-none"
    }

    static func rowsEvents(_ events: [Decoded]) -> [RowsEvent] {
        events.compactMap { if case .rows(let rows) = $0.event { rows } else { nil } }
    }

    static func tableMaps(_ events: [Decoded]) -> [TableMapEvent] {
        events.compactMap { if case .tableMap(let table) = $0.event { table } else { nil } }
    }
}
