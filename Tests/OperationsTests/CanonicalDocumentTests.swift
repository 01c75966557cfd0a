import Elasticsearch
import NIOCore
import Testing

@testable import Operations

@Suite struct CanonicalDocumentTests {
    private func json(_ text: String) throws -> JSON { try JSON(parsing: ByteBuffer(string: text)) }

    @Test func sortsMembersAtEveryDepthAndDropsSpacing() throws {
        let value = try json(#"{ "b" : 1, "a" : [ {"y": true, "x": null} , "s" ] }"#)
        #expect(CanonicalDocument.text(value) == #"{"a":[{"x":null,"y":true},"s"],"b":1}"#)
    }

    @Test func keepsNumberLiteralsExactly() throws {
        #expect(CanonicalDocument.text(try json(#"{"d":-12.340}"#)) == #"{"d":-12.340}"#)
        #expect(CanonicalDocument.text(try json(#"{"d":-12.34}"#)) != CanonicalDocument.text(try json(#"{"d":-12.340}"#)))
        #expect(CanonicalDocument.text(try json(#"{"u":18446744073709551615}"#)) == #"{"u":18446744073709551615}"#)
    }

    @Test func escapesStringsOneWay() throws {
        // The index returns _source as it was sent; another writer may have escaped differently.
        #expect(CanonicalDocument.text(try json(#"{"s":"a\u00e9\/"}"#)) == CanonicalDocument.text(try json(#"{"s":"aé/"}"#)))
    }

    @Test func hashIsFNV1aOfIdAndCanonicalText() throws {
        // FNV-1a 64 of `7\0{"a":1}` and of `7\0null`, computed with an independent implementation.
        #expect(CanonicalDocument.hash(id: "7", source: try json(#"{ "a": 1 }"#)) == 0x79eb_4b1c_c90e_f0e4)
        #expect(CanonicalDocument.hash(id: "7", source: nil) == 0xea74_fd63_f273_8fe3)
    }

    /// The id is part of the hash, so two documents that swapped contents change both hashes and
    /// their range's checksum.
    @Test func hashDependsOnTheId() throws {
        let source = try json(#"{"a":1}"#)
        #expect(CanonicalDocument.hash(id: "1", source: source) != CanonicalDocument.hash(id: "2", source: source))
    }
}
