import ChangeCapture
import Foundation
import NIOCore

/// Changes the index refused for themselves (a mapping conflict, a document too large…), one JSON
/// line each: the change as `sluice tail` prints it, and the error. The pipeline goes on.
actor DeadLetterFile {
    let path: String?
    private(set) var count = 0

    init(path: String?) {
        self.path = path
    }

    func append(_ change: RowChange, index: String, id: String, status: Int, type: String, reason: String) throws {
        count += 1
        guard let path else { return }
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
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.readableBytesView))
        try handle.synchronize()
    }
}
