import ChangeCapture

/// How one table's rows become documents (an entry of `rules`).
public struct TableRule: Sendable, Equatable {
    public var database: String
    public var table: String
    /// The index (or alias) written to.
    public var index: String
    /// The columns whose values make the document id, in order; `nil` for the table's primary key.
    public var idColumns: [String]?
    public var columns: ColumnSelection
    /// Field names to use instead of column names, keyed by column name.
    public var rename: [String: String]

    /// The index of a table without a rule: `db.table` lowercased, as index names must be.
    public static func defaultIndex(database: String, table: String) -> String {
        "\(database).\(table)".lowercased()
    }

    static let keys = ["table", "index", "id", "include", "exclude", "rename"]

    init(_ rule: ConfigurationMapping) throws(ConfigurationError) {
        guard let (database, table) = try rule.value("table", Self.parseTable) else {
            throw rule.missing("table", "the table this rule is for, as db.table")
        }
        self.database = database
        self.table = table
        index = try rule.value("index", Self.parseIndex) ?? Self.defaultIndex(database: database, table: table)
        idColumns = try rule.strings("id")
        if idColumns?.isEmpty == true {
            throw rule.error("id", "is empty; name the id columns, or leave the key out to use the primary key")
        }
        switch (try rule.strings("include"), try rule.strings("exclude")) {
        case (nil, nil):
            columns = .all
        case let (include?, nil):
            guard !include.isEmpty else { throw rule.error("include", "is empty, so no column would be kept") }
            columns = .only(include)
        case let (nil, exclude?):
            columns = .allExcept(exclude)
        case (_?, _?):
            throw rule.error("give include or exclude, not both")
        }
        rename = [:]
        for (column, field) in try rule.pairs("rename") ?? [] {
            guard columns.keeps(column) else {
                throw rule.error("rename", "renames '\(column)', which include/exclude leaves out")
            }
            if let other = rename.first(where: { $0.value == field })?.key {
                throw rule.error("rename", "'\(other)' and '\(column)' both become '\(field)'")
            }
            rename[column] = field
        }
    }

    /// Parses `db.table`: one table, named exactly.
    private static func parseTable(_ text: String) throws(ConfigurationError) -> (String, String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ConfigurationError("'\(text)' is not db.table")
        }
        return (String(parts[0]), String(parts[1]))
    }

    /// Checks Elasticsearch's rules for index names now rather than at the first write.
    private static func parseIndex(_ text: String) throws(ConfigurationError) -> String {
        let forbidden = #"\/*?"<>|,#: "#
        guard !text.isEmpty, text != ".", text != "..", text.utf8.count <= 255,
              text == text.lowercased(), !["-", "_", "+"].contains(text.first),
              !text.contains(where: forbidden.contains)
        else {
            throw ConfigurationError(
                "'\(text)' is not a valid index name: index names are lowercase, at most 255 bytes, do not start with -, _ or +, "
                    + "and contain none of \\ / * ? \" < > | , # : or spaces"
            )
        }
        return text
    }
}
