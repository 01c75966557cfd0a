import Binlog
import NIOCore

/// Reads the committed row changes of one binlog file held in memory, offline: no server, so names
/// and keys are only what the file's TABLE_MAP metadata says (`@1`, `@2`… otherwise).
public struct BinlogFileChanges {
    private var reader: BinlogFileReader
    private var decoder: BinlogEventDecoder
    private var assembler: ChangeAssembler
    private var payload: PayloadCursor?

    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - fileName: the file's name as positions should show it (e.g. `mariadb-bin.000003`).
    public init(bytes: ByteBuffer, fileName: String, filter: TableFilter = .all) throws(BinlogError) {
        reader = try BinlogFileReader(bytes, fileName: fileName)
        decoder = BinlogEventDecoder(fileName: fileName)
        decoder.prepareTable = { filter.selects(database: $0.database, table: $0.table) }
        assembler = ChangeAssembler(start: ReplicationPosition(file: fileName, offset: 4), isMariaDB: false)
    }

    /// The next chunk of committed changes, or nil at the end of the file.
    public mutating func next() throws(BinlogError) -> ChangeChunk? {
        while true {
            if let payload {
                if let inner = try payload.reader.next() {
                    if let chunk = assembler.consume(try decoder.decodePayloadEvent(inner), header: payload.header) { return chunk }
                    continue
                }
                self.payload = nil
            }
            guard let (offset, buffer) = try reader.next() else { return nil }
            let header = try BinlogEventHeader(buffer)
            let event = try decoder.decode(buffer, at: offset)
            if case let .transactionPayload(transaction) = event {
                payload = PayloadCursor(reader: try TransactionPayloadReader(transaction), header: header)
                continue
            }
            if let chunk = assembler.consume(event, header: header) { return chunk }
        }
    }
}
