import Binlog
@testable import ChangeCapture
import NIOCore
import Testing

/// Cells as MariaDB 10.11 prints each column's snapshot expression, read back into the values the
/// binlog decoder gives.
@Suite struct SnapshotColumnTests {
    func column(
        _ dataType: String, _ columnType: String? = nil, charset: String? = nil, fsp: Int? = nil, isJSON: Bool = false
    ) throws -> SnapshotColumn {
        try #require(SnapshotColumn(InformationSchemaColumn(
            name: "c", dataType: dataType, columnType: columnType ?? dataType, isJSON: isJSON,
            characterSet: charset, fractionalSecondDigits: fsp)))
    }

    /// The cell's value as JSON; nil when the cell does not parse.
    func json(_ column: SnapshotColumn, _ text: String) -> String? {
        guard let value = column.value(text) else { return nil }
        var buffer = ByteBuffer()
        value.writeJSON(into: &buffer)
        return String(buffer: buffer)
    }

    @Test func integersBySignedness() throws {
        let signed = try column("bigint", "bigint(20)")
        #expect(signed.value("-9223372036854775808") == .int(.min))
        #expect(signed.value("-128") == .int(-128))
        let unsigned = try column("bigint", "bigint(20) unsigned")
        #expect(unsigned.value("18446744073709551615") == .uint(.max))
        // ZEROFILL pads the text.
        #expect(try column("int", "int(10) unsigned zerofill").value("0000000042") == .uint(42))
        #expect(unsigned.value("-1") == nil)
        #expect(signed.value("9223372036854775808") == nil)
        #expect(signed.value("1.5") == nil)
    }

    @Test func floatsReadFromTheirDoubleText() throws {
        let float = try column("float")
        #expect(float.selectExpression == "CAST(`c` AS DOUBLE)")
        #expect(float.value("1.5") == .float(1.5))
        // A plain SELECT would print 0.123457.
        #expect(float.value("0.12345670163631439") == .float(0.1234567))
        #expect(float.value("0.10000000149011612") == .float(0.1))
        #expect(float.value("3.4028234663852886e38") == .float(.greatestFiniteMagnitude))
        #expect(float.value("-1.1754943508222875e-38") == .float(-.leastNormalMagnitude))
        #expect(float.value("1.401298464324817e-45") == .float(.leastNonzeroMagnitude))
        #expect(float.value("16777216") == .float(16_777_216))
        #expect(json(float, "0.10000000149011612") == "0.1")
        // Not the DOUBLE text of any float, so not from this column.
        #expect(float.value("0.1") == nil)
        #expect(float.value("inf") == nil)
    }

    @Test func doublesRoundTrip() throws {
        let double = try column("double", "double(10,2)")
        #expect(double.selectExpression == "CAST(`c` AS DOUBLE)")
        #expect(double.value("0.30000000000000004") == .double(0.1 + 0.2))
        #expect(double.value("1e-300") == .double(1e-300))
        #expect(double.value("5e-324") == .double(.leastNonzeroMagnitude))
        #expect(double.value("-2.2250738585072014e-308") == .double(-.leastNormalMagnitude))
        #expect(double.value("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(double.value("-0.00000012345678901234566") == .double(-1.2345678901234566e-7))
        #expect(double.value("9.007199254740992e15") == .double(9_007_199_254_740_992))
        #expect(double.value("0x1p3") == nil)
        #expect(double.value("nan") == nil)
    }

    @Test func decimalsKeepTheServersDigits() throws {
        let decimal = try column("decimal", "decimal(10,3)")
        #expect(decimal.value("-12.340") == .decimal("-12.340"))
        #expect(decimal.value("0.500") == .decimal("0.500"))
        #expect(json(decimal, "-0.001") == "-0.001")
        let wide = "-12345678901234567890123456789012345.123456789012345678901234567890"
        #expect(try column("decimal", "decimal(65,30)").value(wide) == .decimal(wide))
        #expect(try column("decimal", "decimal(5,0)").value("-3") == .decimal("-3"))
        for bad in ["", "-", "1.", ".5", "1.2.3", "1e5", "+1", "1 "] {
            #expect(decimal.value(bad) == nil, "\(bad)")
        }
    }

    @Test func datesAndZeroDates() throws {
        let date = try column("date")
        #expect(date.value("2024-02-29") == .date(MySQLDate(year: 2024, month: 2, day: 29)))
        #expect(date.value("0000-01-01") == .date(MySQLDate(year: 0, month: 1, day: 1)))
        #expect(date.value("0000-00-00") == .null)
        #expect(date.value("2024-00-10") == .null)
        #expect(date.value("2024-13-01") == nil)
        #expect(date.value("24-01-01") == nil)

        let datetime6 = try column("datetime", "datetime(6)", fsp: 6)
        #expect(json(datetime6, "2024-02-29 23:59:59.123456") == #""2024-02-29T23:59:59.123456""#)
        #expect(json(try column("datetime", fsp: 0), "1999-12-31 23:59:59") == #""1999-12-31T23:59:59""#)
        let datetime2 = try column("datetime", "datetime(2)", fsp: 2)
        #expect(datetime2.value("2024-05-00 10:00:00.50") == .null)
        #expect(datetime2.value("0000-00-00 00:00:00.00") == .null)
        #expect(json(datetime2, "2024-05-01 10:00:00.50") == #""2024-05-01T10:00:00.50""#)
        #expect(datetime6.value("2024-02-29T23:59:59") == nil)
        #expect(datetime6.value("2024-02-29 24:00:00") == nil)
        #expect(datetime6.value("2024-02-29 23:59:59.1234567") == nil)

        let year = try column("year", "year(4)")
        #expect(year.value("2155") == .int(2155))
        #expect(year.value("0000") == .null)
        #expect(SnapshotColumn(InformationSchemaColumn(name: "y", dataType: "year", columnType: "year(2)", isJSON: false)) == nil)
    }

    @Test func timestampsFromUnixTime() throws {
        let timestamp3 = try column("timestamp", "timestamp(3)", fsp: 3)
        #expect(timestamp3.selectExpression == "UNIX_TIMESTAMP(`c`)")
        #expect(timestamp3.value("2147483647.999") == .timestamp(MySQLTimestamp(seconds: 2_147_483_647, microsecond: 999_000, fsp: 3)))
        #expect(json(timestamp3, "2147483647.999") == #""2038-01-19T03:14:07.999Z""#)
        #expect(json(try column("timestamp", fsp: 0), "946684800") == #""2000-01-01T00:00:00Z""#)
        let timestamp6 = try column("timestamp", "timestamp(6)", fsp: 6)
        #expect(json(timestamp6, "1.000001") == #""1970-01-01T00:00:01.000001Z""#)
        // The zero timestamp.
        #expect(timestamp6.value("0.000000") == .null)
        #expect(try column("timestamp", fsp: 0).value("0") == .null)
        #expect(timestamp6.value("-1") == nil)
        #expect(timestamp6.value("2024-01-01 00:00:00") == nil)
    }

    @Test func times() throws {
        #expect(json(try column("time", fsp: 0), "-838:59:59") == #""-838:59:59""#)
        #expect(json(try column("time", "time(3)", fsp: 3), "100:00:00.500") == #""100:00:00.500""#)
        let time6 = try column("time", "time(6)", fsp: 6)
        #expect(time6.value("-00:00:00.500000") == .time(MySQLTime(isNegative: true, hours: 0, minutes: 0, seconds: 0, microsecond: 500_000, fsp: 6)))
        #expect(time6.value("838:59:59.000000") == .time(MySQLTime(isNegative: false, hours: 838, minutes: 59, seconds: 59, microsecond: 0, fsp: 6)))
        #expect(time6.value("10:60:00") == nil)
        #expect(time6.value("10:00") == nil)
    }

    @Test func textBytesAndJSON() throws {
        #expect(try column("varchar", "varchar(300)", charset: "utf8mb4").value("héllo wörld 😀") == .string("héllo wörld 😀"))
        #expect(try column("varchar", "varchar(20)", charset: "latin1").value("café") == .string("café"))

        let binary = try column("binary", "binary(4)")
        #expect(binary.selectExpression == "HEX(`c`)")
        // BINARY(n) comes back padded with its zero bytes, as the binlog decoder pads it.
        #expect(binary.value("01020300") == .bytes([1, 2, 3, 0]))
        #expect(json(binary, "01020300") == #""AQIDAA==""#)
        #expect(try column("blob").value("deadbeef") == .bytes([0xDE, 0xAD, 0xBE, 0xEF]))
        #expect(binary.value("") == .bytes([]))
        #expect(binary.value("ABC") == nil)
        #expect(binary.value("ZZ") == nil)
        // TEXT in the binary charset holds bytes.
        #expect(try column("text", charset: "binary").selectExpression == "HEX(`c`)")

        let mariaJSON = try column("longtext", charset: "utf8mb4", isJSON: true)
        let text = #"{"k": [1, 2.5, "x", null, true], "n": {"z": 1}}"#
        #expect(mariaJSON.value(text) == .jsonText(text))
        #expect(json(mariaJSON, text) == text)
        #expect(try column("json").value("[1, 2]") == .jsonText("[1, 2]"))
    }

    @Test func enumsSetsAndBits() throws {
        let enumeration = try column("enum", "enum('small','Medium','large')")
        #expect(enumeration.selectExpression == "`c` + 0")
        #expect(enumeration.value("2") == .enumeration(index: 2, label: "Medium"))
        // 0 is the empty string stored for an invalid value; past the labels, the index shows.
        #expect(json(enumeration, "0") == #""""#)
        #expect(json(enumeration, "4") == "4")
        #expect(enumeration.value("medium") == nil)

        let set = try column("set", "set('a','b','c','d')")
        #expect(set.value("5") == .set(bits: 5, labels: ["a", "c"]))
        #expect(json(set, "0") == "[]")

        let bit = try column("bit", "bit(64)")
        #expect(bit.selectExpression == "CAST(`c` AS UNSIGNED)")
        #expect(bit.value("513") == .bit(513))
        #expect(bit.value("18446744073709551615") == .bit(.max))
    }

    @Test func geometryAndVectors() throws {
        let geometry = try column("point")
        #expect(geometry.selectExpression == "HEX(`c`)")
        #expect(geometry.value("E61000000101000000000000000000F83F00000000000000C0")
            == .geometry(srid: 4326, wkb: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0]))
        #expect(json(geometry, "000000000101000000000000000000F83F00000000000000C0") == #"{"type":"Point","coordinates":[1.5,-2.0]}"#)
        #expect(geometry.value("E610") == nil)

        let vector = try column("vector", "vector(2)")
        #expect(vector.value("0000803F00000040") == .vector([1, 2]))
        #expect(vector.value("0000803F00") == nil)
    }

    @Test func typesItCannotRead() {
        for type in ["uuid", "inet6", "inet4", "xml"] {
            #expect(SnapshotColumn(InformationSchemaColumn(name: "c", dataType: type, columnType: type, isJSON: false)) == nil)
        }
    }
}
