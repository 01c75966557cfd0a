/// The row events: a header naming the table and the columns present, then row images to the end.
extension BinlogEventDecoder {
    /// Above this many cached TABLE_MAPs the cache is emptied at the next end of statement. Every
    /// statement announces its tables again, so nothing is lost; it only bounds memory when table
    /// ids keep changing.
    static let tableCacheLimit = 1024

    mutating func decodeRows(_ type: BinlogEventType, _ body: inout ByteCursor, tableIDLength: Int) throws(BinlogError) -> BinlogEvent {
        let kind: RowsEvent.Kind
        switch type {
        case .writeRowsV1, .writeRows, .mariaWriteRowsCompressedV1, .mariaWriteRowsCompressed: kind = .insert
        case .deleteRowsV1, .deleteRows, .mariaDeleteRowsCompressedV1, .mariaDeleteRowsCompressed: kind = .delete
        default: kind = .update
        }
        let isVersion2: Bool
        switch type {
        case .writeRows, .updateRows, .deleteRows, .partialUpdateRows,
             .mariaWriteRowsCompressed, .mariaUpdateRowsCompressed, .mariaDeleteRowsCompressed:
            isVersion2 = true
        default:
            isVersion2 = false
        }
        let isCompressed = type.rawValue >= BinlogEventType.mariaWriteRowsCompressedV1.rawValue

        let tableID = try body.readLE(byteCount: tableIDLength)
        let flags: UInt16 = try body.readLE()
        if isVersion2 {
            // Extra data (NDB info, partition ids): its length counts its own two bytes.
            let extraLength = Int(try body.readLE(UInt16.self))
            guard extraLength >= 2 else { throw BinlogError(.malformed, "row event extra-data length \(extraLength) is below 2") }
            try body.skip(extraLength - 2)
        }
        let columnCount = try body.readLengthEncoded()
        guard columnCount <= UInt64(body.remaining) * 8 else {
            throw BinlogError(.truncated, "row event for \(columnCount) columns is too short for its column bitmap")
        }
        let width = Int(columnCount)
        let bitmapLength = (width + 7) / 8
        let present = try body.readBytes(bitmapLength)
        let afterPresent = kind == .update ? try body.readBytes(bitmapLength) : present

        guard let entry = tables[tableID] else {
            // The server may end a statement with an empty event for a dummy table id.
            if body.isAtEnd && !isCompressed { return .other(type) }
            throw BinlogError(.unknownTable, "table id \(tableID) has no TABLE_MAP before it")
        }
        guard let plan = entry.rows else { return .skippedRows(kind, entry.table) }
        guard width == plan.width else {
            throw BinlogError(.malformed, "row event has \(width) columns, the TABLE_MAP of \(plan.table.qualifiedName) has \(plan.width)")
        }
        let partialJSON = type == .partialUpdateRows
        let rows: [RowsEvent.Row]
        if isCompressed {
            let data = try MariaDBCompression.decompress(try body.readBytes(body.remaining))
            rows = try data.withByteCursor { (cursor) throws(BinlogError) in
                try plan.decodeRows(&cursor, kind: kind, present: present, afterPresent: afterPresent, partialJSON: partialJSON)
            }
        } else {
            rows = try plan.decodeRows(&body, kind: kind, present: present, afterPresent: afterPresent, partialJSON: partialJSON)
        }
        if flags & 0x0001 != 0 && tables.count > Self.tableCacheLimit {
            tables.removeAll()
        }
        return .rows(RowsEvent(kind: kind, sharedTable: plan.sharedTable, flags: flags, rows: rows))
    }
}
