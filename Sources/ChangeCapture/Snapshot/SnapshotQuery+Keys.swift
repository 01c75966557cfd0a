extension SnapshotQuery {
    /// The statement that reads the rows whose key is one of `keys`, each the key's cell as the
    /// server prints it (what `SnapshotChunk.lastKey` holds), for a table with a one-column key;
    /// `chunk(_:limit:)` reads its result with `limit` greater than `keys.count`.
    public func statement(keys: [String]) throws(SnapshotError) -> String {
        guard keyColumns.count == 1 else { throw SnapshotError("\(qualifiedName) has a key of \(keyColumns.count) columns, not one") }
        guard !keys.isEmpty else { throw SnapshotError("\(qualifiedName): no keys to read") }
        let column = columns[keyColumns[0]]
        var literals: [String] = []
        literals.reserveCapacity(keys.count)
        for key in keys {
            guard let literal = column.keyLiteral(key) else { throw malformed(key, in: column) }
            literals.append(literal)
        }
        let select = columns.map(\.selectExpression).joined(separator: ", ")
        let name = InformationSchema.quotedIdentifier(column.name)
        return "SELECT \(select) FROM \(qualifiedName) WHERE \(name) IN (\(literals.joined(separator: ","))) ORDER BY \(name)"
    }
}
