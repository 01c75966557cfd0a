/// Server status bits carried by OK and EOF packets.
struct ServerStatusFlags: OptionSet, Sendable, Hashable {
    let rawValue: UInt16

    /// Another result set follows this one (a CALL, or multi-statement text).
    static let moreResultsExist = ServerStatusFlags(rawValue: 0x0008)
}
