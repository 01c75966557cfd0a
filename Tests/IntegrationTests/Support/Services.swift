import Foundation

/// Runs `scripts/services` from this checkout, for tests that restart a server.
enum Services {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/services")

    static func run(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = script
        process.arguments = arguments
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
