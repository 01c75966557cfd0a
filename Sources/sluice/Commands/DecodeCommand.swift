import ArgumentParser
import Binlog
import ChangeCapture
import Foundation
import NIOCore
import NIOFoundationCompat

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode binlog files offline into the JSON lines `tail` prints.",
        discussion: """
            Without a server, column names and keys come only from the files' TABLE_MAP metadata
            (binlog_row_metadata=FULL); otherwise columns are named @1, @2, … and the key is null.
            """
    )

    @Argument(help: "Binlog files, in order.")
    var files: [String]

    @Option(name: .long, parsing: .singleValue, help: "Regex on db.table; repeat for several. Default: all tables.")
    var tables: [String] = []

    func run() throws {
        let filter = try TableFilter(include: tables)
        var output = LineOutput()
        for path in files {
            var changes = try BinlogFileChanges(bytes: try Self.read(path), fileName: (path as NSString).lastPathComponent, filter: filter)
            while let chunk = try changes.next() {
                for change in chunk.changes {
                    change.writeJSONLine(into: &output.buffer)
                }
                try output.flushIfFull()
            }
        }
        try output.flush()
    }

    static func read(_ path: String) throws -> ByteBuffer {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read binlog file \(path): it does not exist or is not readable")
        }
        return ByteBuffer(data: data)
    }
}
