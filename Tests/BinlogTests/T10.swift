import Binlog

/// The reference workload's table (DESIGN.md): `bench.t10`, as MariaDB logs it with
/// `binlog_row_metadata=FULL`.
///
/// id BIGINT PRIMARY KEY, a INT, b BIGINT, c VARCHAR(64), d DECIMAL(12,4), e DATETIME(6),
/// f DOUBLE, g TINYINT UNSIGNED, h VARCHAR(255), i DATE — utf8mb4, so VARCHAR(64) is 256 bytes.
enum T10 {
    static let tableID: UInt64 = 71

    static var tableMapBody: [UInt8] {
        var body = Array(EventBuilder.le(tableID).prefix(6)) + [1, 0]
        body += [5] + Array("bench".utf8) + [0] + [3] + Array("t10".utf8) + [0]
        body += [10, 8, 3, 8, 15, 246, 18, 5, 1, 15, 10]
        let metadata: [UInt8] = [0x00, 0x01, 12, 4, 6, 8, 0xFC, 0x03]
        body += EventBuilder.lengthEncoded(metadata.count) + metadata
        body += [0xFE, 0x03]
        // SIGNEDNESS over id, a, b, d, f, g: g (the sixth) is unsigned.
        body += [1, 1, 0x04]
        // DEFAULT_CHARSET utf8mb4_general_ci.
        body += [2, 1, 45]
        let names = ["id", "a", "b", "c", "d", "e", "f", "g", "h", "i"].flatMap(EventBuilder.lengthEncoded(_:))
        body += [4] + EventBuilder.lengthEncoded(names.count) + names
        body += [8, 1, 0]
        return body
    }

    /// One row image with every column present: `id`, then fixed values, `h` NULL when asked.
    static func rowImage(id: Int64, nullH: Bool = false) -> [UInt8] {
        var image: [UInt8] = nullH ? [0x00, 0x01] : [0x00, 0x00]
        image += EventBuilder.le(id)
        image += EventBuilder.le(Int32(-5))
        image += EventBuilder.le(Int64.max)
        image += EventBuilder.le(UInt16(5)) + Array("hello".utf8)
        image += [0x80, 0xBC, 0x61, 0x4E, 0x04, 0xD2]
        image += [0x99, 0xB2, 0xBB, 0x7E, 0xFB, 0x0F, 0x42, 0x3F]
        image += EventBuilder.le((3.5).bitPattern)
        image += [255]
        if !nullH { image += EventBuilder.le(UInt16(8)) + Array("world é".utf8) }
        image += [0x5D, 0xD0, 0x0F]
        return image
    }

    /// WRITE_ROWS_V1 (as MariaDB writes it) of `count` rows.
    static func writeRowsBody(rows count: Int, firstID: Int64 = 1) -> [UInt8] {
        var body = Array(EventBuilder.le(tableID).prefix(6)) + [1, 0]
        body += [10, 0xFF, 0x03]
        for n in 0..<count { body += rowImage(id: firstID + Int64(n), nullH: n % 2 == 1) }
        return body
    }

    static func expectedRow(id: Int64, nullH: Bool = false) -> [ColumnValue?] {
        let date = MySQLDate(year: 2024, month: 2, day: 29)
        return [
            .int(id), .int(-5), .int(.max), .string("hello"), .decimal("12345678.1234"),
            .datetime(MySQLDateTime(date: date, hour: 23, minute: 59, second: 59, microsecond: 999_999, fsp: 6)),
            .double(3.5), .uint(255), nullH ? .null : .string("world é"), .date(date),
        ]
    }
}
