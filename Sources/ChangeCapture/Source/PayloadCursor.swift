import Binlog

/// The inner events of a TRANSACTION_PAYLOAD being read, with the outer event's header, whose end
/// position is where the transaction ends. A class, because the reader is not copyable.
final class PayloadCursor {
    var reader: TransactionPayloadReader
    let header: BinlogEventHeader

    init(reader: consuming TransactionPayloadReader, header: BinlogEventHeader) {
        self.reader = reader
        self.header = header
    }
}
