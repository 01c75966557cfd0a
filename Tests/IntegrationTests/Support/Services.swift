import Foundation
import TestSupport

/// Runs `scripts/services` from this checkout, for tests that restart a server.
enum Services {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/services")

    /// Runs it with `environment` added, e.g. SLUICE_SERVICES_DIR and ports for a private instance.
    static func run(_ arguments: [String], environment: [String: String]) throws {
        let process = try start(arguments, environment: environment, errors: nil)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServicesFailed(arguments: arguments, status: process.terminationStatus, errors: "")
        }
    }

    /// Runs it without holding a thread of the test's executor while it works, and fails after `bound`
    /// (having stopped the script) with what the script wrote to its standard error.
    static func run(_ arguments: [String], within bound: Duration) async throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-services-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let process = try start(arguments, environment: [:], errors: try FileHandle(forWritingTo: errors))
        let deadline = ContinuousClock.now + bound
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                throw TimedOut(description: "waited \(bound) for scripts/services \(arguments.joined(separator: " ")); it wrote:\n\(tail(errors))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServicesFailed(arguments: arguments, status: process.terminationStatus, errors: tail(errors))
        }
    }

    private static func start(_ arguments: [String], environment: [String: String], errors: FileHandle?) throws -> Process {
        let process = Process()
        process.executableURL = script
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        if let errors { process.standardError = errors }
        try process.run()
        try? errors?.close()
        return process
    }

    private static func tail(_ file: URL) -> String {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    struct ServicesFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var errors: String
        var description: String {
            "scripts/services \(arguments.joined(separator: " ")) exited with \(status)" + (errors.isEmpty ? "" : ":\n\(errors)")
        }
    }
}
