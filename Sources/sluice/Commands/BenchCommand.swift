import ArgumentParser
import ChangeCapture
import Foundation
import NIOCore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Sluice against a baseline run on the same input in the same run.",
        subcommands: [DecodeBench.self, BulkBench.self, SyncBench.self, KafkaBench.self]
    )
}

struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode a binlog file to row changes, and to JSON lines, on one core; compare with mariadb-binlog.",
        discussion: """
            The file is read into memory first, so the figures are decoding alone. The baseline is
            `mariadb-binlog -v --base64-output=DECODE-ROWS FILE >/dev/null` on the same file.
            Build with `scripts/build-release` first: debug builds are many times slower.
            """
    )

    @Argument(help: "A binlog file, e.g. the one scripts/bench writes.")
    var file: String

    @Option(name: .long, help: "How many times to decode the file; the best run counts.")
    var iterations: Int = 3

    @Option(name: .long, help: "The baseline decoder, or 'none' to skip it.")
    var baseline: String = "mariadb-binlog"

    func run() throws {
        let bytes = try DecodeCommand.read(file)
        let name = (file as NSString).lastPathComponent
        let size = Double(bytes.readableBytes)

        var rows = 0
        let decode = try Self.best(of: iterations) {
            rows = 0
            var changes = try BinlogFileChanges(bytes: bytes, fileName: name)
            while let chunk = try changes.next() { rows += chunk.changes.count }
        }
        var jsonBytes = 0
        let render = try Self.best(of: iterations) {
            var changes = try BinlogFileChanges(bytes: bytes, fileName: name)
            var buffer = ByteBuffer()
            jsonBytes = 0
            while let chunk = try changes.next() {
                for change in chunk.changes { change.writeJSONLine(into: &buffer) }
                jsonBytes += buffer.readableBytes
                buffer.clear()
            }
        }
        print("file          \(file): \(Int(size)) bytes, \(rows) row changes")
        Self.report("sluice decode", seconds: decode, rows: rows, bytes: size)
        Self.report("sluice json", seconds: render, rows: rows, bytes: size)
        guard baseline != "none" else { return }
        let base = try Self.best(of: 1) { try Self.runBaseline(baseline, file: file) }
        Self.report(baseline, seconds: base, rows: rows, bytes: size)
        print(String(format: "ratio         decode %.1fx, json %.1fx the baseline's rows/s", base / decode, base / render))
    }

    static func best(of iterations: Int, _ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<max(iterations, 1) {
            let start = ContinuousClock.now
            try body()
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return best
    }

    static func report(_ label: String, seconds: Double, rows: Int, bytes: Double) {
        let padded = label.padding(toLength: 14, withPad: " ", startingAt: 0)
        print(String(format: "%@%.3f s, %.0f rows/s, %.1f MB/s", padded, seconds, Double(rows) / seconds, bytes / seconds / 1e6))
    }

    static func runBaseline(_ tool: String, file: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool, "-v", "--base64-output=DECODE-ROWS", file]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError("the baseline \(tool) exited with \(process.terminationStatus); install mariadb-client or pass --baseline none")
        }
    }
}
