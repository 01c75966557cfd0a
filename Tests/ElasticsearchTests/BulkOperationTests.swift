import NIOCore
import Testing

@testable import Elasticsearch

@Suite struct BulkOperationTests {
    private func ndjson(_ operations: [BulkOperation]) -> String {
        var buffer = ByteBuffer()
        for operation in operations { operation.writeNDJSON(into: &buffer) }
        return String(buffer: buffer)
    }

    @Test func indexAndDeleteLines() {
        let text = self.ndjson([
            .index(index: "shop.orders", id: "7", version: 1_099_511_627_780, source: ByteBuffer(string: #"{"id":7,"d":-12.340}"#)),
            .delete(index: "shop.orders", id: "8", version: 42),
        ])
        #expect(
            text == """
                {"index":{"_index":"shop.orders","_id":"7","version":1099511627780,"version_type":"external"}}
                {"id":7,"d":-12.340}
                {"delete":{"_index":"shop.orders","_id":"8","version":42,"version_type":"external"}}

                """
        )
    }

    @Test func namesAreEscaped() {
        let text = self.ndjson([.delete(index: "i\"x", id: "a\\b\n\u{01}é", version: 1)])
        #expect(text == #"{"delete":{"_index":"i\"x","_id":"a\\b\n\u0001é","version":1,"version_type":"external"}}"# + "\n")
    }

    @Test func lineFeedsInTheSourceBecomeSpaces() {
        var source = ByteBuffer(string: "xx{\n  \"a\": \"b\\nc\"\n}")
        source.moveReaderIndex(forwardBy: 2)
        let text = self.ndjson([.index(index: "i", id: "1", version: 1, source: source)])
        #expect(text.hasSuffix("\n{   \"a\": \"b\\nc\" }\n"))
        #expect(text.split(separator: "\n").count == 2)
    }

    @Test func operationsElasticsearchWouldRefuseAreNamed() {
        let source = ByteBuffer(string: "{}")
        #expect(BulkOperation.index(index: "i", id: "1", version: UInt64(Int64.max), source: source).validationFailure == nil)
        #expect(BulkOperation.index(index: "", id: "1", version: 1, source: source).validationFailure != nil)
        #expect(BulkOperation.delete(index: "i", id: "", version: 1).validationFailure != nil)
        #expect(BulkOperation.delete(index: "i", id: String(repeating: "é", count: 257), version: 1).validationFailure != nil)
        #expect(BulkOperation.delete(index: "i", id: String(repeating: "x", count: 512), version: 1).validationFailure == nil)
        #expect(BulkOperation.delete(index: "i", id: "1", version: UInt64(Int64.max) + 1).validationFailure != nil)
    }
}
