/// The decoding plan for one table's row images: a `ColumnValueDecoder` per column, made once per
/// TABLE_MAP and used for every row.
struct RowImageDecoder: Sendable {
    let table: TableMapEvent
    private let columns: [ColumnValueDecoder]
    /// The columns' steps alone: plain values, read for every value without reference counting.
    private let steps: [ColumnValueDecoder.Step]
    /// Per column, its ordinal among the table's binary JSON columns (the partial-JSON bitmap has one
    /// bit per JSON column of the table), or -1.
    private let jsonOrdinals: [Int]
    let jsonColumnCount: Int

    init(table: TableMapEvent) {
        self.table = table
        columns = table.columns.map(ColumnValueDecoder.init(column:))
        steps = columns.map(\.step)
        var ordinals: [Int] = []
        var count = 0
        for column in columns {
            ordinals.append(column.isBinaryJSON ? count : -1)
            if column.isBinaryJSON { count += 1 }
        }
        jsonOrdinals = ordinals
        jsonColumnCount = count
    }

    var width: Int { columns.count }

    /// The after image of a PARTIAL_UPDATE_ROWS row: which JSON columns hold diffs, and the before
    /// image to apply them to. Diffs it cannot apply are collected in `unapplied`.
    struct PartialJSON {
        let bits: UnsafeRawBufferPointer
        let before: [ColumnValue?]
        var unapplied: [Int: [JSONDiff]] = [:]
    }

    /// One image: the NULL bitmap over the columns present, then each present non-NULL value.
    /// `present` is the event's columns-present bitmap (LSB first), `presentCount` its population.
    func decodeImage(_ cursor: inout ByteCursor, present: UnsafeRawBufferPointer, presentCount: Int) throws(BinlogError) -> [ColumnValue?] {
        var noPartial: PartialJSON?
        return try decodeImage(&cursor, present: present, presentCount: presentCount, partial: &noPartial)
    }

    func decodeImage(_ cursor: inout ByteCursor, present: UnsafeRawBufferPointer, presentCount: Int, partial: inout PartialJSON?) throws(BinlogError) -> [ColumnValue?] {
        let nulls = try cursor.readBytes((presentCount + 7) >> 3)
        var failure: BinlogError?
        // Filled in place rather than appended to: no capacity checks per value.
        let values = steps.withUnsafeBufferPointer { steps in
            [ColumnValue?](unsafeUninitializedCapacity: steps.count) { values, initialized in
                var nullIndex = 0
                for index in 0..<steps.count {
                    let value: ColumnValue?
                    if present[index >> 3] & (1 << (index & 7)) == 0 {
                        value = nil
                    } else if nulls[nullIndex >> 3] & (1 << (nullIndex & 7)) != 0 {
                        nullIndex &+= 1
                        value = .null
                    } else {
                        nullIndex &+= 1
                        do throws(BinlogError) {
                            if partial != nil, jsonOrdinals[index] >= 0, let bits = partial?.bits, Self.bit(bits, jsonOrdinals[index]) {
                                value = try applyDiffs(&cursor, column: index, partial: &partial)
                            } else {
                                if let plain = try steps[index].decode(&cursor) {
                                    value = plain
                                } else {
                                    value = try columns[index].decode(&cursor)
                                }
                            }
                        } catch {
                            failure = located(error, column: index)
                            return
                        }
                    }
                    (values.baseAddress! + index).initialize(to: value)
                    initialized = index &+ 1
                }
            }
        }
        if let failure { throw failure }
        return values
    }

    /// A partial JSON value: the same length prefix as a whole one, then a list of diffs that turn
    /// the before image's document into the after image's.
    private func applyDiffs(_ cursor: inout ByteCursor, column: Int, partial: inout PartialJSON?) throws(BinlogError) -> ColumnValue? {
        let length = try cursor.readLength(byteCount: Int(table.columns[column].metadata))
        let diffs = try JSONDiff.decodeList(try cursor.readSlice(length))
        guard let before = partial?.before, before.indices.contains(column), case .json(let document)? = before[column] else {
            partial?.unapplied[column] = diffs
            return nil
        }
        return .json(try JSONDiff.apply(diffs, to: document))
    }

    private func located(_ error: BinlogError, column index: Int) -> BinlogError {
        var located = error
        let column = table.columns[index]
        let name = column.name.map { " (\($0))" } ?? ""
        located.message = "column \(index + 1)\(name) of \(table.qualifiedName), type \(column.type): \(error.message)"
        return located
    }

    static func bit(_ bits: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        index >> 3 < bits.count && bits[index >> 3] & (1 << (index & 7)) != 0
    }
}
