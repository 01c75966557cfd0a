import ChangeCapture
import Foundation
import NIOCore

/// Changes the index refused for themselves (a mapping conflict, a document too large…), one JSON
/// line each: the change as `sluice tail` prints it, and the error. The pipeline goes on.
///
/// Without a configured file, a refused change stops the pipeline instead: nothing is skipped silently.
actor DeadLetterFile {
    let path: String?

    init(path: String?) {
        self.path = path
    }

    func append(_ change: RowChange, index: String, id: String, status: Int, type: String, reason: String) throws {
        guard let path else {
            throw PipelineError(
                "the index refused \(change.operation) of \(change.database).\(change.table) as \(index)/\(id): \(type): \(reason). "
                    + "Fix the index mapping, or set sink.elasticsearch.dead_letter to park such changes in a file and go on"
            )
        }
        var line = ByteBuffer()
        line.writeStaticString(#"{"index":"#)
        line.writeJSONString(index)
        line.writeStaticString(#","id":"#)
        line.writeJSONString(id)
        line.writeStaticString(#","status":"#)
        line.writeString(String(status))
        line.writeStaticString(#","error":"#)
        line.writeJSONString(type)
        line.writeStaticString(#","reason":"#)
        line.writeJSONString(reason)
        line.writeStaticString(#","change":"#)
        change.writeJSONLine(into: &line)
        // writeJSONLine ends with a newline; the object closes before it.
        line.moveWriterIndex(to: line.writerIndex - 1)
        line.writeStaticString("}\n")
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path), !FileManager.default.createFile(atPath: path, contents: nil) {
            throw PipelineError("cannot create the dead-letter file \(path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.readableBytesView))
        try handle.synchronize()
    }
}
