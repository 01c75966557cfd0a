/// A table the snapshot cannot read, or a cell it cannot understand. The message names the table,
/// the column and the value.
public struct SnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
