/// A position store could not load, save or remove the position. The message names the store, what went
/// wrong and what to do about it.
public struct PositionStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
