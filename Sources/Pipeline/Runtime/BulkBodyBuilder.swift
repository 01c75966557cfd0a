import ChangeCapture
import NIOCore

/// The pipeline's document path without the network: row changes to coalesced writes to a `_bulk`
/// body, exactly as `sluice run` builds them. `sluice bench bulk` measures it (the "null sink").
public struct BulkBodyBuilder {
    private var mapper: DocumentMapper

    public init(rules: [TableRule] = []) {
        mapper = DocumentMapper(rules: rules)
    }

    /// Appends one transaction's (or chunk's) writes to `body`; returns how many documents it wrote.
    /// Changes that cannot become documents are counted out, as the dead-letter file would take them.
    public mutating func append(_ changes: [RowChange], to body: inout ByteBuffer) -> Int {
        var writes: [DocumentWrite] = []
        writes.reserveCapacity(changes.count)
        for change in changes {
            try? mapper.appendWrites(for: change, version: change.position.version, to: &writes)
        }
        let kept = ChangeProducer.lastWritePerDocument(writes)
        for write in kept { write.operation.writeNDJSON(into: &body) }
        return kept.count
    }
}
