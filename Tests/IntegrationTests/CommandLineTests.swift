import Foundation
import Testing

/// The `sluice` executable as a user runs it: output on stdout, errors on stderr with an exit code.
@Suite struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct CLIMissing: Error, CustomStringConvertible {
        var directory: String
        var description: String { "no sluice executable beside \(directory): run `swift build` first" }
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func sluice(_ arguments: [String]) throws -> Run {
        // swift test builds the executable next to the test bundle.
        let directory = Bundle.main.bundleURL
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("sluice") }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CLIMissing(directory: directory.path)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func decodeAFixtureFile() throws {
        let fixture = Self.repository.appendingPathComponent("Tests/BinlogTests/Fixtures/mariadb-bin.000001").path
        let run = try sluice(["decode", fixture])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["op"] as? String == "insert")
            #expect(object?["table"] as? String == "outbox")
            #expect((object?["key"] as? [String: Any])?.keys.sorted() == ["id"])
            #expect((object?["after"] as? [String: Any])?.keys.sorted() == ["created", "event", "event_type", "id", "topic"])
        }
    }

    @Test func tailStopsAfterTheLimit() async throws {
        let db = try await ScratchDatabase.create("cli")
        defer { Task { try? await db.drop() } }
        try await db.execute("CREATE TABLE `\(db.name)`.t (id INT PRIMARY KEY, v VARCHAR(10))")
        guard case let .filePosition(file, position) = try await db.binlogEnd() else { return }
        try await db.execute("INSERT INTO `\(db.name)`.t VALUES (1,'a'),(2,'b'),(3,'c')")
        let run = try sluice([
            "tail", "--source", TestEnvironment.primaryURL, "--from", "\(file):\(position)",
            "--tables", "\(db.name)\\..*", "--limit", "2", "--server-id", String(UInt32.random(in: 10_000...4_000_000_000)),
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix(#"{"op":"insert","db":"\#(db.name)","table":"t","key":{"id":1},"before":null,"after":{"id":1,"v":"a"}"#) == true)
    }

    @Test(arguments: [
        (["tail", "--source", "mysql://127.0.0.1:3307"], "no user"),
        (["tail", "--source", "mysql://u:p@127.0.0.1:1", "--from", "nowhere"], "start position 'nowhere'"),
        (["decode", "/nonexistent/binlog.000001"], "cannot read binlog file /nonexistent/binlog.000001"),
    ])
    func badInputFailsWithAReason(arguments: [String], reason: String) throws {
        let run = try sluice(arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(reason), "\(run.stderr)")
        #expect(!run.stderr.contains(":p@"))
    }
}
