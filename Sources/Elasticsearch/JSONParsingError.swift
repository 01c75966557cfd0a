/// JSON text that does not parse: what was wrong and at which byte.
public struct JSONParsingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The byte offset from the start of the text.
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "invalid JSON at byte \(self.offset): \(self.message)" }
}
