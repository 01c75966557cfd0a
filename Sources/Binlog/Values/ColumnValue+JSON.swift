import NIOCore

extension ColumnValue {
    /// Appends this value as JSON, mapped as DESIGN.md's column-value table says.
    public func writeJSON(into buffer: inout ByteBuffer) {
        fatalError("not implemented yet")
    }
}
