import NIOCore
import Testing

@testable import MySQLProtocol

@Suite struct TextResultSetTests {
    static func feed(_ packets: [[UInt8]], deprecateEOF: Bool) -> [TextResultSetStateMachine.Action] {
        var machine = TextResultSetStateMachine(deprecateEOF: deprecateEOF)
        return packets.map { machine.packetReceived(ByteBuffer(bytes: $0)) }
    }

    static let columns = [ServerPacket.columnDefinition(name: "id", type: 0x03), ServerPacket.columnDefinition(name: "s")]
    static let rows = [ServerPacket.row(["1", "one"]), ServerPacket.row(["2", nil]), ServerPacket.row([nil, ""])]

    static func expectRows(_ action: TextResultSetStateMachine.Action?) {
        guard case .succeed(let result) = action else {
            Issue.record("expected a result, got \(String(describing: action))")
            return
        }
        #expect(result.columns == ["id", "s"])
        #expect(result.columnDefinitions[0].typeCode == 0x03)
        #expect(result.columnDefinitions[1].schema == "shop")
        #expect(result.rows == [["1", "one"], ["2", nil], [nil, ""]])
    }

    @Test func resultSetWithEOFPackets() {
        let actions = Self.feed([[0x02]] + Self.columns + [ServerPacket.eof()] + Self.rows + [ServerPacket.eof()], deprecateEOF: false)
        #expect(actions.dropLast().allSatisfy { $0 == .wait })
        Self.expectRows(actions.last)
    }

    @Test func resultSetUnderDeprecateEOF() {
        let actions = Self.feed([[0x02]] + Self.columns + Self.rows + [ServerPacket.ok(header: 0xFE)], deprecateEOF: true)
        #expect(actions.dropLast().allSatisfy { $0 == .wait })
        Self.expectRows(actions.last)
    }

    @Test func statementWithoutRowsReturnsTheOK() {
        let actions = Self.feed([ServerPacket.ok(affectedRows: 3, lastInsertID: 9)], deprecateEOF: true)
        #expect(actions == [.succeed(MySQLQueryResult(affectedRows: 3, lastInsertID: 9))])
    }

    @Test func errInsteadOfAResult() {
        let actions = Self.feed([ServerPacket.err(code: 1064, sqlState: "42000", message: "syntax")], deprecateEOF: false)
        #expect(actions == [.fail(.server(.init(code: 1064, sqlState: "42000", message: "syntax")))])
    }

    @Test func errBetweenRows() {
        let actions = Self.feed(
            [[0x02]] + Self.columns + [Self.rows[0], ServerPacket.err(code: 1317, sqlState: "70100", message: "Query execution was interrupted")],
            deprecateEOF: true
        )
        #expect(actions.last == .fail(.server(.init(code: 1317, sqlState: "70100", message: "Query execution was interrupted"))))
    }

    @Test func furtherResultSetsAreReadAndTheFirstIsKept() {
        let moreResults: UInt16 = 0x000A
        let actions = Self.feed(
            [[0x02]] + Self.columns + Self.rows + [ServerPacket.ok(status: moreResults, header: 0xFE)]
                + [[0x01], ServerPacket.columnDefinition(name: "other"), ServerPacket.row(["x"]), ServerPacket.ok(status: moreResults, header: 0xFE)]
                + [ServerPacket.ok(affectedRows: 0)],
            deprecateEOF: true
        )
        #expect(actions.dropLast().allSatisfy { $0 == .wait })
        Self.expectRows(actions.last)
    }

    @Test func malformedRowsAreProtocolViolations() {
        let actions = Self.feed([[0x02]] + Self.columns + [[0x05, 0x41]], deprecateEOF: true)
        guard case .fail(.protocolViolation(_, let location)) = actions.last else {
            Issue.record("expected a protocol violation")
            return
        }
        #expect(location == "text result set row")
    }

    @Test func aCellLongerThan16MiBIsNotMistakenForEOF() throws {
        // A row whose first cell has an 8-byte length starts with 0xFE, like EOF.
        var row = ByteBuffer()
        row.writeLengthEncodedInteger(1 << 24)
        row.writeRepeatingByte(0x61, count: 1 << 24)
        #expect(row.getInteger(at: 0, as: UInt8.self) == 0xFE)
        var machine = TextResultSetStateMachine(deprecateEOF: true)
        for packet in [[0x01], ServerPacket.columnDefinition(name: "big")] { _ = machine.packetReceived(ByteBuffer(bytes: packet)) }
        #expect(machine.packetReceived(row) == .wait)
        guard case .succeed(let result) = machine.packetReceived(ByteBuffer(bytes: ServerPacket.ok(header: 0xFE))) else {
            Issue.record("expected a result")
            return
        }
        #expect(result.rows.first?.first??.utf8.count == 1 << 24)
    }
}
