import Binlog
import NIOCore
import Testing

@Suite("Fixture files decode end to end")
struct FixtureDecodingTests {
    /// json.binlog.000001 needs the JSON decoders: JSONColumnFixtureTests covers it.
    @Test(arguments: Fixture.all.filter { $0 != "json.binlog.000001" })
    func decodesWithoutError(_ name: String) throws {
        let events = try Fixture.decode(name)
        #expect(!events.isEmpty)
        guard case .formatDescription = events.first?.event else {
            Issue.record("\(name) does not start with a FORMAT_DESCRIPTION")
            return
        }
    }
}
