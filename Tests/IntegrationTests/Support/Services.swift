import Foundation

/// Runs `scripts/services` from this checkout, for tests that restart a server.
enum Services {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/services")

    static func run(_ arguments: String...) throws {
        try run(arguments, environment: [:])
    }

    /// Runs it with `environment` added, e.g. SLUICE_SERVICES_DIR and ports for a private instance.
    static func run(_ arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = script
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServicesFailed(arguments: arguments, status: process.terminationStatus)
        }
    }

    struct ServicesFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var description: String { "scripts/services \(arguments.joined(separator: " ")) exited with \(status)" }
    }
}
