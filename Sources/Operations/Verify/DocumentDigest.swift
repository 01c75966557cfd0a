/// One document reduced to what a comparison needs: its id and the hash of its canonical contents.
public struct DocumentDigest: Sendable, Equatable {
    public var id: String
    public var hash: UInt64

    public init(id: String, hash: UInt64) {
        self.id = id
        self.hash = hash
    }
}
