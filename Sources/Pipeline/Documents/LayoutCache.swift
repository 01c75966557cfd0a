import ChangeCapture

/// Values worked out once per table layout, found by the layout's identity: every change of a
/// table shares its layout, so a lookup costs no hashing of names. Each entry holds its layout, so
/// that no other layout can have its address, the key, while it is cached. Past 4,096 layouts (a
/// schema that keeps changing) it starts again.
struct LayoutCache<Value> {
    private var entries: [ObjectIdentifier: (layout: TableLayout, value: Value)] = [:]

    subscript(layout: TableLayout) -> Value? {
        entries[ObjectIdentifier(layout)]?.value
    }

    mutating func insert(_ value: Value, for layout: TableLayout) {
        if entries.count >= 4096 { entries.removeAll() }
        entries[ObjectIdentifier(layout)] = (layout, value)
    }
}

extension LayoutCache: Sendable where Value: Sendable {}
