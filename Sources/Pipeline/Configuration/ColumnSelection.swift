/// Which columns of a table reach its documents.
public enum ColumnSelection: Sendable, Equatable {
    case all
    /// Only these columns (a rule's `include`).
    case only([String])
    /// Every column but these (a rule's `exclude`).
    case allExcept([String])

    /// Whether the column named `column` reaches the document.
    public func keeps(_ column: String) -> Bool {
        switch self {
        case .all: true
        case let .only(columns): columns.contains(column)
        case let .allExcept(columns): !columns.contains(column)
        }
    }
}
