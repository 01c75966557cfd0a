/// How the bytes of a CHAR/VARCHAR/TEXT/BLOB value become a `ColumnValue`, from the column's collation.
enum TextForm: Sendable, Equatable {
    /// utf8mb4, utf8mb3, ascii, and text whose collation is not known.
    case utf8
    /// MySQL's latin1, which is really Windows-1252.
    case latin1
    /// The `binary` charset: raw bytes, padded back with 0x00 to `padTo` (BINARY(n) is stored
    /// without its trailing zeros; the server pads them back when reading, and so do we).
    case bytes(padTo: Int)
    /// MariaDB's JSON alias, text holding JSON.
    case jsonText

    static let binaryCollation: UInt16 = 63
    /// latin1_german1_ci, latin1_swedish_ci, latin1_danish_ci, latin1_german2_ci, latin1_bin,
    /// latin1_general_ci, latin1_general_cs, latin1_spanish_ci.
    static let latin1Collations: Set<UInt16> = [5, 8, 15, 31, 47, 48, 49, 94]

    init(_ column: ColumnDescriptor) {
        if column.isJSONText {
            self = .jsonText
            return
        }
        switch column.collation {
        case Self.binaryCollation?:
            self = .bytes(padTo: column.type == .string ? Int(column.metadata) : 0)
        case let collation? where Self.latin1Collations.contains(collation):
            self = .latin1
        case nil where [.blob, .tinyBlob, .mediumBlob, .longBlob].contains(column.type):
            // A BLOB-family column without a collation may be BLOB or TEXT: keep the bytes, which
            // loses nothing (a caller that knows the schema fills in the collation).
            self = .bytes(padTo: 0)
        default:
            self = .utf8
        }
    }

    func value(_ bytes: UnsafeRawBufferPointer) -> ColumnValue {
        switch self {
        case .utf8:
            return .string(String(decoding: bytes, as: UTF8.self))
        case .jsonText:
            return .jsonText(String(decoding: bytes, as: UTF8.self))
        case .latin1:
            return .string(Self.decodeWindows1252(bytes))
        case .bytes(let padTo):
            var array = Array(bytes)
            if array.count < padTo { array.append(contentsOf: repeatElement(0, count: padTo - array.count)) }
            return .bytes(array)
        }
    }

    static func decodeWindows1252(_ bytes: UnsafeRawBufferPointer) -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = byte >= 0x80 && byte < 0xA0 ? windows1252High[Int(byte - 0x80)] : UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// 0x80…0x9F in Windows-1252; the five bytes it leaves undefined map to the same C1 control, as
    /// MySQL's latin1 does.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
