import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `sluice` executable, run as a child process the way a user or a service manager runs
/// it, so tests can signal it (SIGTERM, SIGKILL) and read its exit status.
final class SluiceProcess: @unchecked Sendable {
    let process: Process
    let logPath: String

    struct ExecutableMissing: Error, CustomStringConvertible {
        var directory: String
        var description: String { "no sluice executable beside \(directory): run `swift build` first" }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// `swift test` builds the executable next to the test bundle.
    static func executable() throws -> URL {
        let directory = Bundle.main.bundleURL
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("sluice") }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ExecutableMissing(directory: directory.path)
        }
        return executable
    }

    /// Starts `sluice ARGUMENTS`, with standard output and error appended to `logPath`.
    init(_ arguments: [String], logPath: String) throws {
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw Failure("cannot open the log \(logPath)") }
        log.seekToEndOfFile()
        process = Process()
        process.executableURL = try Self.executable()
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        self.logPath = logPath
        try process.run()
        try? log.close()
    }

    var pid: pid_t { process.processIdentifier }

    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Waits for the process to end, and returns how: its exit status, or the signal that ended it.
    /// Fails (after killing it) when it is still running after `bound`, saying what it waited for.
    func waitForExit(within bound: Duration, _ what: String) async throws -> ChildExit {
        let deadline = ContinuousClock.now + bound
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw Failure("sluice (pid \(pid)) did not exit within \(bound) \(what); log:\n\(logTail())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? .exit(process.terminationStatus) : .signal(process.terminationStatus)
    }

    /// Kills the process if it is still running: for a `defer`, so no test leaves a child behind.
    func killIfRunning() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The last lines the process wrote, for failure messages.
    func logTail(_ lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Runs `sluice ARGUMENTS` to its end, with a bound, and returns its exit status and output.
    static func run(_ arguments: [String], within bound: Duration = .seconds(120)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout").path
        let err = directory.appendingPathComponent("stderr").path
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let outHandle = FileHandle(forWritingAtPath: out)
        let errHandle = FileHandle(forWritingAtPath: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        try? outHandle?.close()
        try? errHandle?.close()
        let deadline = ContinuousClock.now + bound
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw Failure("sluice \(arguments.joined(separator: " ")) did not finish within \(bound)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        return (process.terminationStatus, stdout, stderr)
    }
}

/// How a child process ended.
enum ChildExit: Equatable, CustomStringConvertible {
    case exit(Int32)
    case signal(Int32)

    var description: String {
        switch self {
        case let .exit(status): "exit status \(status)"
        case let .signal(signal): "signal \(signal)"
        }
    }
}

/// The ES-API server's process, to freeze it (SIGSTOP) as a sink outage that loses no data, and
/// thaw it (SIGCONT) again. Never stopped or restarted: it keeps its data in memory only.
enum SinkProcess {
    struct NotFound: Error, CustomStringConvertible {
        var description: String {
            "cannot find the process of the ES-API server at \(SyncHarness.elasticsearchURL) to freeze it: set "
                + "SLUICE_ES_PID, or SLUICE_SERVICES_DIR to the directory of `scripts/services` that started it"
        }
    }

    /// The pid of the server listening on the ES URL's port: from SLUICE_ES_PID, the services'
    /// pid file, or else the owner of the listening socket.
    static func pid() throws -> pid_t {
        if let text = TestEnvironment.environment["SLUICE_ES_PID"], let pid = pid_t(text) { return pid }
        var pidFiles: [String] = []
        if let directory = TestEnvironment.environment["SLUICE_SERVICES_DIR"] { pidFiles.append("\(directory)/es/osmem.pid") }
        pidFiles.append(Services.script.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".services/es/osmem.pid").path)
        let port = URLComponents(string: SyncHarness.elasticsearchURL)?.port ?? 9200
        let listener = listeningPID(port: port)
        for file in pidFiles {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0,
               listener == nil || listener == pid {
                return pid
            }
        }
        guard let listener else { throw NotFound() }
        return listener
    }

    /// The process owning the socket that listens on 127.0.0.1:`port` (or any address), from /proc.
    static func listeningPID(port: Int) -> pid_t? {
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A" else { continue } // 0A: LISTEN
                guard let local = fields[1].split(separator: ":").last, Int(local, radix: 16) == port else { continue }
                inodes.insert("socket:[\(fields[9])]")
            }
        }
        guard !inodes.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = pid_t(entry), let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd") else { continue }
            for fd in fds {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\(fd)"), inodes.contains(target) {
                    return pid
                }
            }
        }
        return nil
    }

    /// Runs `body` with the sink frozen; it is thawed again however `body` ends. Should this
    /// process die meanwhile, a watchdog thaws it after `watchdog` anyway, since other tests share it.
    static func whileFrozen<T>(watchdog: Int = 180, _ body: () async throws -> T) async throws -> T {
        let pid = try pid()
        let thaw = Process()
        thaw.executableURL = URL(fileURLWithPath: "/bin/sh")
        // One-second sleeps, so killing the shell leaves no long sleep behind; no output, so no
        // leftover holds the test runner's pipes open.
        thaw.arguments = ["-c", "i=0; while [ $i -lt \(watchdog) ]; do sleep 1; i=$((i+1)); done; kill -CONT \(pid)"]
        thaw.standardInput = FileHandle.nullDevice
        thaw.standardOutput = FileHandle.nullDevice
        thaw.standardError = FileHandle.nullDevice
        try thaw.run()
        defer {
            kill(pid, SIGCONT)
            kill(thaw.processIdentifier, SIGKILL)
            thaw.waitUntilExit()
        }
        guard kill(pid, SIGSTOP) == 0 else { throw SluiceProcess.Failure("cannot SIGSTOP the ES-API server (pid \(pid)): errno \(errno)") }
        return try await body()
    }
}
