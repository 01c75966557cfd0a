import NIOCore
import Testing

@testable import Elasticsearch

@Suite struct BulkResponseTests {
    private func parse(_ reply: String, _ operations: [BulkOperation]) throws -> [BulkItemOutcome] {
        try BulkResponse.parse(ByteBuffer(string: reply), operations: operations)
    }

    private let index = BulkOperation.index(index: "orders", id: "1", version: 5, source: ByteBuffer(string: "{}"))
    private let delete = BulkOperation.delete(index: "orders", id: "1", version: 5)

    /// An Elasticsearch 8 reply without filter_path, one item of each kind.
    @Test func everyOutcomeKindFromAFullReply() throws {
        let reply = """
            {"took":30,"errors":true,"items":[
            {"index":{"_index":"orders","_id":"1","_version":5,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},
            {"index":{"_index":"orders","_id":"1","_version":6,"result":"updated","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":1,"_primary_term":1,"status":200}},
            {"index":{"_index":"orders","_id":"1","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[1]: version conflict, current version [6] is higher or equal to the one provided [5]","index_uuid":"aAsFqTI0Tc2W0LCWgPNrOA","shard":"0","index":"orders"}}},
            {"delete":{"_index":"orders","_id":"2","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[2]: version conflict, current version [9] is higher or equal to the one provided [5]","index_uuid":"aAsFqTI0Tc2W0LCWgPNrOA","shard":"0","index":"orders"}}},
            {"delete":{"_index":"orders","_id":"3","_version":5,"result":"not_found","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":2,"_primary_term":1,"status":404}},
            {"delete":{"_index":"gone","_id":"3","status":404,"error":{"type":"index_not_found_exception","reason":"no such index [gone]","index":"gone"}}},
            {"index":{"_index":"orders","_id":"4","status":400,"error":{"type":"document_parsing_exception","reason":"[1:8] failed to parse field [a] of type [long] in document with id '4'. Preview of field's value: 'x'","caused_by":{"type":"illegal_argument_exception","reason":"For input string: \\"x\\""}}}},
            {"index":{"_index":"orders","_id":"5","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=108, max_coordinating_and_primary_bytes=107]"}}},
            {"index":{"_index":"orders","_id":"6","status":503,"error":{"type":"unavailable_shards_exception","reason":"[orders][0] primary shard is not active Timeout: [1m]"}}},
            {"index":{"_index":"orders","_id":"7","status":403,"error":{"type":"cluster_block_exception","reason":"index [orders] blocked by: [FORBIDDEN/8/index write (api)];"}}},
            {"index":{"_index":"missing","_id":"8","status":404,"error":{"type":"index_not_found_exception","reason":"no such index [missing] and [action.auto_create_index] is [false]","index":"missing"}}},
            {"index":{"_index":"orders","_id":"9","status":400,"error":{"type":"strict_dynamic_mapping_exception","reason":"[1:9] mapping set to strict, dynamic introduction of [b] within [_doc] is not allowed"}}}
            ]}
            """
        let outcomes = try self.parse(
            reply,
            [self.index, self.index, self.index, self.delete, self.delete, self.delete] + Array(repeating: self.index, count: 6)
        )
        #expect(
            outcomes == [
                .applied,
                .applied,
                .staleVersion,
                .staleVersion,
                .applied,
                .applied,
                .rejected(
                    status: 400,
                    type: "document_parsing_exception",
                    reason: "[1:8] failed to parse field [a] of type [long] in document with id '4'. Preview of field's value: 'x'"
                ),
                .retryable(
                    status: 429,
                    reason: "es_rejected_execution_exception: rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=108, max_coordinating_and_primary_bytes=107]"
                ),
                .retryable(status: 503, reason: "unavailable_shards_exception: [orders][0] primary shard is not active Timeout: [1m]"),
                .retryable(status: 403, reason: "cluster_block_exception: index [orders] blocked by: [FORBIDDEN/8/index write (api)];"),
                .retryable(
                    status: 404,
                    reason: "index_not_found_exception: no such index [missing] and [action.auto_create_index] is [false]"
                ),
                .rejected(
                    status: 400,
                    type: "strict_dynamic_mapping_exception",
                    reason: "[1:9] mapping set to strict, dynamic introduction of [b] within [_doc] is not allowed"
                ),
            ]
        )
    }

    /// The reply as the client asks for it, with filter_path (OpenSearch spells the
    /// thread-pool rejection without `es_`).
    @Test func filteredReply() throws {
        let reply = #"""
            {"errors":true,"items":[{"index":{"status":201}},{"delete":{"status":200}},{"create":{"status":429,"error":{"type":"rejected_execution_exception","reason":"queue full"}}},{"index":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse"}}}]}
            """#
        let outcomes = try self.parse(reply, [self.index, self.delete, self.index, self.index])
        #expect(
            outcomes == [
                .applied, .applied, .retryable(status: 429, reason: "rejected_execution_exception: queue full"),
                .rejected(status: 400, type: "mapper_parsing_exception", reason: "failed to parse"),
            ]
        )
    }

    @Test func aDeleteOfAMissingDocumentIsApplied() throws {
        #expect(try self.parse(#"{"items":[{"delete":{"status":404}}]}"#, [self.delete]) == [.applied])
        // An index operation answered 404 is not.
        #expect(try self.parse(#"{"items":[{"index":{"status":404}}]}"#, [self.index]) == [.rejected(status: 404, type: "", reason: "")])
    }

    @Test(arguments: [
        "not json", #"{"took":1}"#, #"{"items":[]}"#, #"{"items":[{"index":{}}]}"#, #"{"items":[{"index":{"status":"201"}}]}"#,
        #"{"items":[{"index":{"status":201},"delete":{"status":200}}]}"#,
    ])
    func malformedRepliesAreRefused(reply: String) {
        #expect {
            _ = try self.parse(reply, [self.index])
        } throws: { error in
            (error as? ElasticsearchError)?.kind == .malformedResponse
        }
    }

    @Test func settledOutcomes() {
        #expect(BulkItemOutcome.applied.settled == .applied)
        #expect(BulkItemOutcome.staleVersion.settled == .staleVersion)
        #expect(BulkItemOutcome.retryable(status: 429, reason: "x").settled == nil)
        #expect(BulkItemOutcome.rejected(status: 400, type: "t", reason: "r").settled == .rejected(status: 400, type: "t", reason: "r"))
    }
}
