/// ROTATE (4): the events continue in another binlog file, at `position`.
public struct RotateEvent: Sendable, Hashable {
    public var position: UInt64
    public var nextFile: String

    public init(position: UInt64, nextFile: String) {
        self.position = position
        self.nextFile = nextFile
    }

    static func decode(_ body: inout ByteCursor) throws(BinlogError) -> RotateEvent {
        RotateEvent(position: try body.readLE(), nextFile: try body.readRestAsString())
    }
}
