import Binlog

/// Something that can run a text query and return its rows: a `MySQLConnection` in production.
public protocol MetadataQuerying: Sendable {
    /// Runs `sql` and returns the rows' cells as text, nil for SQL NULL.
    func rows(_ sql: String) async throws -> [[String?]]
}

/// One column as `information_schema.COLUMNS` describes it.
struct InformationSchemaColumn: Sendable, Equatable {
    var name: String
    /// `DATA_TYPE`, e.g. `int`, `enum`, `longtext`.
    var dataType: String
    /// `COLUMN_TYPE`, e.g. `int(10) unsigned`, `enum('a','B')`, in the server's case: ENUM and SET
    /// labels keep theirs.
    var columnType: String
    var isJSON: Bool
    /// `CHARACTER_SET_NAME`: nil for non-text columns, `binary` for text stored as bytes.
    var characterSet: String? = nil
    /// `DATETIME_PRECISION`: the fractional-second digits of a TIME, DATETIME or TIMESTAMP column.
    var fractionalSecondDigits: Int? = nil

    var isUnsigned: Bool {
        let type = columnType.lowercased()
        return type.hasSuffix("unsigned") || type.contains("unsigned ")
    }

    /// The labels of an ENUM or SET column, parsed from `COLUMN_TYPE`.
    var labels: [String] {
        guard let open = columnType.firstIndex(of: "("), columnType.hasSuffix(")") else { return [] }
        let body = columnType[columnType.index(after: open)..<columnType.index(before: columnType.endIndex)]
        var labels: [String] = []
        var current = ""
        var inQuote = false
        var iterator = body.makeIterator()
        var pending: Character? = nil
        while let char = pending ?? iterator.next() {
            pending = nil
            if inQuote {
                if char == "'" {
                    // Doubled quotes stand for one quote inside the label.
                    if let next = iterator.next() {
                        if next == "'" { current.append("'") } else { inQuote = false; pending = next }
                    } else {
                        inQuote = false
                    }
                } else if char == "\\", let next = iterator.next() {
                    current.append(next)
                } else {
                    current.append(char)
                }
            } else if char == "'" {
                inQuote = true
            } else if char == "," {
                labels.append(current)
                current = ""
            }
        }
        labels.append(current)
        return labels
    }
}

/// The queries that read a table's schema from `information_schema`, and their parsing.
public enum InformationSchema {
    static func load(database: String, table: String, isMariaDB: Bool, from connection: some MetadataQuerying) async throws
        -> (columns: [InformationSchemaColumn], primaryKey: [String])
    {
        let db = sqlLiteral(database)
        let tb = sqlLiteral(table)
        let columnRows = try await connection.rows(
            """
            SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, DATETIME_PRECISION \
            FROM information_schema.COLUMNS \
            WHERE TABLE_SCHEMA = \(db) AND TABLE_NAME = \(tb) ORDER BY ORDINAL_POSITION
            """
        )
        let keyRows = try await connection.rows(
            """
            SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE \
            WHERE TABLE_SCHEMA = \(db) AND TABLE_NAME = \(tb) AND CONSTRAINT_NAME = 'PRIMARY' \
            ORDER BY ORDINAL_POSITION
            """
        )
        // MariaDB's JSON is LONGTEXT plus a json_valid() check; MySQL's JSON has its own DATA_TYPE
        // (and its CHECK_CONSTRAINTS has no TABLE_NAME column).
        let jsonChecks = !isMariaDB ? [] : try await connection.rows(
            """
            SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
            WHERE CONSTRAINT_SCHEMA = \(db) AND TABLE_NAME = \(tb) AND CHECK_CLAUSE LIKE 'json_valid(%'
            """
        ).compactMap { $0.first ?? nil }
        let columns = columnRows.map { row in
            let name = row[0] ?? ""
            let dataType = (row[1] ?? "").lowercased()
            return InformationSchemaColumn(
                name: name,
                dataType: dataType,
                columnType: row[2] ?? "",
                isJSON: dataType == "json" || jsonChecks.contains("json_valid(\(quotedIdentifier(name)))"),
                characterSet: row[3]?.lowercased(),
                fractionalSecondDigits: row[4].flatMap { Int($0) }
            )
        }
        return (columns, keyRows.compactMap { $0.first ?? nil })
    }

    /// The server's estimate of a table's rows (`TABLE_ROWS`; InnoDB's is approximate), nil when it has none.
    public static func estimatedRows(database: String, table: String, from server: some MetadataQuerying) async throws -> UInt64? {
        let rows = try await server.rows(
            "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = \(sqlLiteral(database)) AND TABLE_NAME = \(sqlLiteral(table))"
        )
        return rows.first?.first.flatMap { $0 }.flatMap { UInt64($0) }
    }

    /// Quotes a name as a SQL identifier: in backticks, with backticks inside doubled.
    public static func quotedIdentifier(_ name: String) -> String {
        var quoted = "`"
        for char in name {
            if char == "`" { quoted += "``" } else { quoted.append(char) }
        }
        return quoted + "`"
    }

    /// Quotes a string as a SQL literal, escaping what MySQL's default SQL mode treats specially.
    public static func sqlLiteral(_ value: String) -> String {
        var quoted = "'"
        for char in value {
            switch char {
            case "'": quoted += "''"
            case "\\": quoted += "\\\\"
            default: quoted.append(char)
            }
        }
        return quoted + "'"
    }
}
