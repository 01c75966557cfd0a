import ArgumentParser
import ChangeCapture
import Foundation
import NIOCore
import Pipeline

struct BulkBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk",
        abstract: "Build Elasticsearch _bulk bodies from a binlog file and discard them (the null sink), on one core.",
        discussion: """
            Decoding, mapping to documents, coalescing per transaction and writing the NDJSON body, as
            `sluice run` does; the decoding alone is measured in the same run as the baseline.
            Build with `scripts/build-release` first.
            """
    )

    @Argument(help: "A binlog file, e.g. the one scripts/bench writes.")
    var file: String

    @Option(name: .long, help: "How many times to run; the best run counts.")
    var iterations: Int = 3

    func run() throws {
        let bytes = try DecodeCommand.read(file)
        let name = (file as NSString).lastPathComponent
        var rows = 0
        let decode = try DecodeBench.best(of: iterations) {
            rows = 0
            var changes = try BinlogFileChanges(bytes: bytes, fileName: name)
            while let chunk = try changes.next() { rows += chunk.changes.count }
        }
        var documents = 0
        var bodyBytes = 0
        let bulk = try DecodeBench.best(of: iterations) {
            var changes = try BinlogFileChanges(bytes: bytes, fileName: name)
            var builder = BulkBodyBuilder()
            var body = ByteBuffer()
            documents = 0
            bodyBytes = 0
            while let chunk = try changes.next() {
                documents += builder.append(chunk.changes, to: &body)
                // A bulk request of about 5 MB, as sink.elasticsearch.bulk.max_bytes defaults to.
                if body.readableBytes > 5 << 20 {
                    bodyBytes += body.readableBytes
                    body.clear()
                }
            }
            bodyBytes += body.readableBytes
        }
        print("file          \(file): \(rows) row changes, \(documents) documents after coalescing")
        print(String(format: "decode only   %.3f s, %.0f rows/s", decode, Double(rows) / decode))
        print(String(format: "bulk bodies   %.3f s, %.0f documents/s, %.1f MB of NDJSON/s", bulk, Double(documents) / bulk, Double(bodyBytes) / bulk / 1e6))
    }
}
