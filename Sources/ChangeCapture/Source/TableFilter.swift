/// Selects tables by regular expressions on `db.table`, like canal's filter: a table is selected when
/// it wholly matches an include pattern (or there are none) and no exclude pattern.
public struct TableFilter: Sendable {
    private let include: [String]
    private let exclude: [String]
    /// Selects every table.
    public static let all = TableFilter(checked: [], exclude: [])

    private init(checked include: [String], exclude: [String]) {
        self.include = include
        self.exclude = exclude
    }

    // Regex is not Sendable, so the patterns are kept as text and compiled where they are used.
    public init(include: [String] = [], exclude: [String] = []) throws(ConfigurationError) {
        for pattern in include + exclude {
            do {
                _ = try Regex(pattern)
            } catch {
                throw ConfigurationError("table pattern '\(pattern)' is not a valid regular expression: \(error)")
            }
        }
        self.init(checked: include, exclude: exclude)
    }

    /// Whether `database.table` is selected. Called once per table, not per row: callers cache it.
    public func selects(database: String, table: String) -> Bool {
        let name = "\(database).\(table)"
        func matches(_ pattern: String) -> Bool {
            (try? Regex(pattern).wholeMatch(in: name)) != nil
        }
        return (include.isEmpty || include.contains(where: matches)) && !exclude.contains(where: matches)
    }
}
