import NIOCore

/// Collects the response to COM_QUERY (dev.mysql.com page_protocol_com_query_response_text_resultset):
/// an OK, an ERR, or column count, column definitions, [EOF], rows, and a closing EOF, or an OK
/// with header 0xFE under CLIENT_DEPRECATE_EOF. Further result sets (SERVER_MORE_RESULTS_EXISTS)
/// are read to their end; the first one with columns is kept.
struct TextResultSetStateMachine: Sendable {
    enum Action: Sendable, Equatable {
        case wait
        case succeed(MySQLQueryResult)
        case fail(MySQLError)
    }

    private enum State: Sendable {
        case awaitingHead
        case columnDefinitions(expected: Int)
        case awaitingColumnsEOF
        case rows
        case finished
    }

    private let deprecateEOF: Bool
    private var state: State = .awaitingHead
    private var result = MySQLQueryResult()
    /// Whether `result` holds a finished result set with columns; later ones are then skipped.
    private var haveRows = false
    private var columns: [MySQLColumnDefinition] = []
    private var rows: [[String?]] = []

    init(deprecateEOF: Bool) {
        self.deprecateEOF = deprecateEOF
    }

    mutating func packetReceived(_ payload: ByteBuffer) -> Action {
        do {
            return try self.step(payload)
        } catch let error as MySQLError {
            self.state = .finished
            return .fail(error)
        } catch {
            self.state = .finished
            return .fail(.protocolViolation(what: "\(error)", where: "query response"))
        }
    }

    private mutating func step(_ payload: ByteBuffer) throws -> Action {
        let header = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
        // No cell can start with 0xFF, so it is an ERR wherever it comes, even between rows.
        if header == 0xFF, !self.isFinished {
            self.state = .finished
            return .fail(.server(try ERRPacket.decode(payload)))
        }
        switch self.state {
        case .awaitingHead:
            if header == 0x00 {
                return self.endOfResultSet(try OKPacket(decoding: payload), status: nil)
            }
            if header == 0xFB {
                throw MySQLError.protocolViolation(what: "server asked for LOCAL INFILE, which Sluice never enables", where: "query response")
            }
            var buffer = payload
            guard let count = buffer.readLengthEncodedInteger(), count > 0, count <= 4096, buffer.readableBytes == 0 else {
                throw MySQLError.protocolViolation(what: "malformed column count", where: "query response")
            }
            self.columns = []
            self.columns.reserveCapacity(Int(count))
            self.rows = []
            self.state = .columnDefinitions(expected: Int(count))
            return .wait
        case .columnDefinitions(let expected):
            self.columns.append(try MySQLColumnDefinition(decoding: payload))
            if self.columns.count == expected {
                self.state = self.deprecateEOF ? .rows : .awaitingColumnsEOF
            }
            return .wait
        case .awaitingColumnsEOF:
            guard EOFPacket.isEOF(payload) else {
                throw MySQLError.protocolViolation(what: "expected EOF after the column definitions", where: "query response")
            }
            self.state = .rows
            return .wait
        case .rows:
            // The terminator starts with 0xFE like an 8-byte length, but a row that long would
            // be at least 16 MiB, and the terminator is shorter.
            guard header == 0xFE, payload.readableBytes < MySQLPacket.maximumFrameLength else {
                self.rows.append(try TextResultRow.decode(payload, columnCount: self.columns.count))
                return .wait
            }
            if self.deprecateEOF {
                return self.endOfResultSet(try OKPacket(decoding: payload), status: nil)
            }
            let eof = EOFPacket(decoding: payload)
            return self.endOfResultSet(nil, status: eof)
        case .finished:
            throw MySQLError.protocolViolation(what: "packet after the query response ended", where: "query response")
        }
    }

    private var isFinished: Bool {
        if case .finished = self.state { return true }
        return false
    }

    private mutating func endOfResultSet(_ ok: OKPacket?, status eof: EOFPacket?) -> Action {
        let status = ok?.status ?? eof?.status ?? []
        if !self.haveRows {
            if !self.columns.isEmpty {
                self.result.columnDefinitions = self.columns
                self.result.rows = self.rows
                self.haveRows = true
            }
            self.result.affectedRows = ok?.affectedRows ?? 0
            self.result.lastInsertID = ok?.lastInsertID ?? 0
            self.result.warnings = ok?.warnings ?? eof?.warnings ?? 0
        }
        self.columns = []
        self.rows = []
        guard !status.contains(.moreResultsExist) else {
            self.state = .awaitingHead
            return .wait
        }
        self.state = .finished
        return .succeed(self.result)
    }
}
