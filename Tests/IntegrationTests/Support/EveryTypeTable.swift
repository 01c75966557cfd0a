/// A table with a column of every type, and a row of edge values: shared by the tests that check the
/// binlog's values against DESIGN.md and the snapshot's against the binlog's.
enum EveryTypeTable {
    /// Creates `db.t`. The GEOMETRY columns come last: see `SnapshotChunkTests.textAfterAGeometryColumn`.
    static func create(in db: ScratchDatabase) async throws {
        try await db.execute("""
            CREATE TABLE `\(db.name)`.t (
              id INT PRIMARY KEY,
              ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED,
              i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
              f FLOAT, d DOUBLE, dec1 DECIMAL(10,3), dec2 DECIMAL(65,30),
              dt DATE, dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME, tm3 TIME(3), y YEAR,
              c CHAR(10), vc VARCHAR(300), tx TEXT, l1 VARCHAR(20) CHARACTER SET latin1,
              bin BINARY(4), vb VARBINARY(10), bl BLOB,
              e ENUM('small','medium','large'), st SET('a','b','c','d'),
              bt BIT(10), js JSON,
              f74 FLOAT(7,4), d102 DOUBLE(10,2), z INT(6) UNSIGNED ZEROFILL, ts0 TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL,
              dtm2 DATETIME(2), tm6 TIME(6), mixed ENUM('Small','LARGE'), u3 VARCHAR(10) CHARACTER SET utf8mb3,
              l1x VARCHAR(10) CHARACTER SET latin1, tb TINYBLOB, bt64 BIT(64), dec0 DECIMAL(5,0), g GEOMETRY, pt POINT
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """)
    }

    /// Inserts row 1, the edge values; the session's time zone must be UTC.
    static func insertEdgeRow(in db: ScratchDatabase) async throws {
        try await db.execute("""
            INSERT INTO `\(db.name)`.t VALUES (
              1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,
              -9223372036854775808, 18446744073709551615,
              1.5, 0.1, -12.340, -12345678901234567890123456789012345.123456789012345678901234567890,
              '2024-02-29', '1999-12-31 23:59:59', '2024-02-29 23:59:59.123456', '2038-01-19 03:14:07.999',
              '-838:59:59', '100:00:00.500', 2155,
              'abc', 'héllo wörld 😀', 'long text', 'café',
              X'01020300', X'FF00', X'DEADBEEF',
              'medium', 'a,c', b'1000000001', '{"k": [1, 2.5, "x", null, true], "n": {"z": 1}}',
              123.45678, 1.005, 42, '1970-01-01 00:00:01', '2000-02-29 12:34:56.000001',
              '2024-05-01 10:00:00.5', '-00:00:00.000001', 'LARGE', 'ü€', X'80819D9FFF', X'', b'1111111111111111111111111111111111111111111111111111111111111111',
              -3, ST_GeomFromText('POINT(1.5 -2)'), ST_GeomFromText('POINT(10 20)', 4326)
            )
            """)
    }
}
