import ChangeCapture
import MySQLProtocol
import TestSupport
import Testing

/// Logging in, TLS, and the errors a user sees when the server refuses.
@Suite struct ConnectionTests {
    /// Reads one insert through a source built from `url`.
    func readOneInsert(url: String) async throws -> RowChange? {
        let db = try await ScratchDatabase.create("conn")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY)")
        let start = try await db.binlogEnd()
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (7)")
        try await db.writeMarker()
        return try await db.changes(from: start, url: url).first
    }

    @Test func ed25519Account() async throws {
        let change = try await readOneInsert(url: TestEnvironment.ed25519URL)
        #expect(change?.json(\.after) == ["id": "7"])
    }

    @Test func tlsVerifiedAgainstTheCA() async throws {
        let ca = try #require(TestEnvironment.caFile, "SLUICE_TLS_CA is not set: run the suite with scripts/test")
        let change = try await readOneInsert(url: TestEnvironment.primaryURL + "?tls=verify-ca&ca=\(ca)")
        #expect(change?.json(\.after) == ["id": "7"])
        let connection = try await TestEnvironment.connect(TestEnvironment.primaryURL, tls: .verifyCA(caFile: ca))
        let cipher = try await connection.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'").rows.first?[1] ?? nil
        try await connection.close()
        #expect(cipher?.isEmpty == false)
    }

    @Test func tlsDisabled() async throws {
        let change = try await readOneInsert(url: TestEnvironment.primaryURL + "?tls=disabled")
        #expect(change?.json(\.after) == ["id": "7"])
    }

    @Test func wrongPasswordNamesTheUser() async throws {
        var url = try TestEnvironment.url(TestEnvironment.primaryURL)
        url.password = "not-the-password"
        let source = BinlogSource(configuration: BinlogSourceConfiguration(url: url), logger: TestEnvironment.logger)
        await #expect {
            for try await _ in source.changes() {}
        } throws: { error in
            guard case let .authenticationFailed(user, _, serverError, _)? = error as? MySQLError else { return false }
            return user == url.user && serverError?.code == 1045
        }
    }

    @Test func missingReplicationPrivilegeIsNamed() async throws {
        var url = try TestEnvironment.url(TestEnvironment.primaryURL)
        url.user = "sluice_noprivs"
        url.password = "sluice"
        let source = BinlogSource(configuration: BinlogSourceConfiguration(url: url, start: .latest), logger: TestEnvironment.logger)
        await #expect {
            for try await _ in source.changes() {}
        } throws: { error in
            let message = (error as? SourceError)?.message ?? ""
            return message.contains("GRANT REPLICATION SLAVE") && message.contains("BINLOG MONITOR")
        }
    }

    @Test func anUnansweredQueryFailsAfterTheResponseTimeoutAndClosesTheConnection() async throws {
        // SLEEP stands in for a server that stopped answering without closing its socket.
        var configuration = try TestEnvironment.url(TestEnvironment.primaryURL).connectionConfiguration
        configuration.responseTimeout = .milliseconds(300)
        let connection = try await MySQLConnection.connect(configuration, logger: TestEnvironment.logger)
        defer { Task { try? await connection.close() } }
        #expect(try await connection.query("SELECT 1").rows == [["1"]])
        let started = ContinuousClock.now
        let outcome: Result<Void, any Error> = try await bounded(.seconds(30), "the query to fail after its 300 ms response timeout") {
            do {
                _ = try await connection.query("SELECT SLEEP(20)")
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        guard case let .failure(error) = outcome, case let .responseTimeout(host, port, during, timeout)? = error as? MySQLError else {
            Issue.record("SELECT SLEEP(20) ended with \(outcome), not a response timeout")
            return
        }
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(host == configuration.host && port == configuration.port && during == "a query" && timeout == .milliseconds(300))
        // The answer may still come; the connection cannot tell it from the next one's, so it is closed.
        await #expect(throws: MySQLError.connectionAlreadyClosed) { try await connection.query("SELECT 1") }
    }

    @Test func aPurgedStartPositionSaysWhatToDo() async throws {
        let url = try TestEnvironment.url(TestEnvironment.primaryURL)
        let source = BinlogSource(
            configuration: BinlogSourceConfiguration(url: url, start: .filePosition(file: "mariadb-bin.000000", position: 4)),
            logger: TestEnvironment.logger
        )
        await #expect {
            for try await _ in source.changes() {}
        } throws: { error in
            let message = (error as? SourceError)?.message ?? ""
            return message.contains("mariadb-bin.000000") && message.contains("earliest or latest")
        }
    }
}
