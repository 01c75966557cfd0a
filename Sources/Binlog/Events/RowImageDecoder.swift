/// The decoding plan for one table's row images: a `ColumnValueDecoder` per column, made once per
/// TABLE_MAP and used for every row. A class, so each rows event takes it with one retain.
final class RowImageDecoder: Sendable {
    let sharedTable: SharedTableMap
    var table: TableMapEvent { sharedTable.event }
    private let columns: [ColumnValueDecoder]
    /// The columns' steps alone: plain values, read for every value without reference counting.
    private let steps: [ColumnValueDecoder.Step]
    /// Per column, its ordinal among the table's binary JSON columns (the partial-JSON bitmap has one
    /// bit per JSON column of the table), or -1.
    private let jsonOrdinals: [Int]
    private let jsonColumnCount: Int

    init(table: TableMapEvent) {
        self.sharedTable = SharedTableMap(table)
        let columns = table.columns.map(ColumnValueDecoder.init(column:))
        self.columns = columns
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

    /// The row images of one event, to its end: one image per row, two for updates (before, then
    /// after). `present`/`afterPresent` are the event's columns-present bitmaps.
    func decodeRows(_ cursor: inout ByteCursor, kind: RowsEvent.Kind, present: UnsafeRawBufferPointer, afterPresent: UnsafeRawBufferPointer,
                    partialJSON: Bool) throws(BinlogError) -> [RowsEvent.Row] {
        let presentCount = Self.count(present, width: width)
        let afterCount = Self.count(afterPresent, width: width)
        var rows: [RowsEvent.Row] = []
        while !cursor.isAtEnd {
            let start = cursor.position
            switch kind {
            case .insert:
                rows.append(RowsEvent.Row(before: nil, after: try decodeImage(&cursor, present: present, presentCount: presentCount)))
            case .delete:
                rows.append(RowsEvent.Row(before: try decodeImage(&cursor, present: present, presentCount: presentCount), after: nil))
            case .update:
                let before = try decodeImage(&cursor, present: present, presentCount: presentCount)
                var partial: PartialJSON?
                // value_options; bit 0: some JSON columns of the after image are diffs.
                if partialJSON, try cursor.readLengthEncoded() & 1 != 0 {
                    partial = PartialJSON(bits: try cursor.readBytes((jsonColumnCount + 7) / 8), before: before)
                }
                let after = try decodeImage(&cursor, present: afterPresent, presentCount: afterCount, partial: &partial)
                rows.append(RowsEvent.Row(before: before, after: after, unappliedJSONDiffs: partial?.unapplied ?? [:]))
            }
            // A row with no columns present takes no bytes; more of them would never end.
            guard cursor.position > start else {
                throw BinlogError(.malformed, "row image with no columns present")
            }
            if rows.count == 1 {
                // Rows of one event tend to be alike in size: size the array once.
                rows.reserveCapacity(1 + cursor.remaining / (cursor.position - start))
            }
        }
        return rows
    }

    /// Columns present among the first `width` bits (the rest of the last byte is padding).
    private static func count(_ bitmap: UnsafeRawBufferPointer, width: Int) -> Int {
        var total = 0
        for index in 0..<width where bitmap[index >> 3] & (1 << (index & 7)) != 0 {
            total += 1
        }
        return total
    }

    /// The after image of a PARTIAL_UPDATE_ROWS row: which JSON columns hold diffs, and the before
    /// image to apply them to. Diffs it cannot apply are collected in `unapplied`.
    private struct PartialJSON {
        let bits: UnsafeRawBufferPointer
        let before: [ColumnValue?]
        var unapplied: [Int: [JSONDiff]] = [:]
    }

    /// One image: the NULL bitmap over the columns present, then each present non-NULL value.
    /// `present` is the event's columns-present bitmap (LSB first), `presentCount` its population.
    private func decodeImage(_ cursor: inout ByteCursor, present: UnsafeRawBufferPointer, presentCount: Int) throws(BinlogError) -> [ColumnValue?] {
        var noPartial: PartialJSON?
        return try decodeImage(&cursor, present: present, presentCount: presentCount, partial: &noPartial)
    }

    private func decodeImage(_ cursor: inout ByteCursor, present: UnsafeRawBufferPointer, presentCount: Int, partial: inout PartialJSON?) throws(BinlogError) -> [ColumnValue?] {
        let nulls = try cursor.readBytes((presentCount + 7) >> 3)
        // Reserved, then appended to: `reserveCapacity` allocates through code specialised for
        // `ColumnValue?`, where `init(unsafeUninitializedCapacity:)` calls the standard library's
        // generic allocator, which looks up the storage class's metadata for every row (measured:
        // 361 of the 700 instructions of making a row's array).
        var values: [ColumnValue?] = []
        values.reserveCapacity(steps.count)
        var nullIndex = 0
        for index in 0..<steps.count {
            if present[index >> 3] & (1 << (index & 7)) == 0 {
                values.append(nil)
            } else if nulls[nullIndex >> 3] & (1 << (nullIndex & 7)) != 0 {
                nullIndex &+= 1
                values.append(.null)
            } else {
                nullIndex &+= 1
                do throws(BinlogError) {
                    if partial != nil, jsonOrdinals[index] >= 0, let bits = partial?.bits, Self.bit(bits, jsonOrdinals[index]) {
                        values.append(try applyDiffs(&cursor, column: index, partial: &partial))
                    } else if let plain = try steps[index].decode(&cursor) {
                        values.append(plain)
                    } else {
                        values.append(try columns[index].decode(&cursor))
                    }
                } catch {
                    throw located(error, column: index)
                }
            }
        }
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
