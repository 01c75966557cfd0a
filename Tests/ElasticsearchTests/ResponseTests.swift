import NIOCore
import Testing

@testable import Elasticsearch

@Suite struct ResponseTests {
    private func failure(_ status: Int, _ body: String) -> ElasticsearchError? {
        let response = ElasticsearchClient.Response(status: status, body: ByteBuffer(string: body), request: "POST /_bulk", node: "http://es1:9200")
        do {
            try response.expectSuccess()
            return nil
        } catch {
            return error
        }
    }

    @Test func successIsNotAnError() {
        #expect(self.failure(200, "{}") == nil)
        #expect(self.failure(201, "") == nil)
    }

    @Test func elasticsearchsOwnAccountIsQuoted() throws {
        let error = try #require(
            self.failure(
                401,
                #"{"error":{"root_cause":[{"type":"security_exception","reason":"unable to authenticate user [elastic] for REST request [/_bulk]"}],"type":"security_exception","reason":"unable to authenticate user [elastic] for REST request [/_bulk]","header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","ApiKey"]}},"status":401}"#
            )
        )
        #expect(error.kind == .status)
        #expect(error.status == 401)
        #expect(error.errorType == "security_exception")
        #expect(!error.isRetryable)
        #expect(
            error.description
                == "Elasticsearch POST /_bulk on http://es1:9200 failed with HTTP 401 (security_exception): unable to authenticate user [elastic] for REST request [/_bulk]"
        )
    }

    @Test(arguments: [(408, true), (429, true), (500, true), (502, true), (503, true), (504, true), (400, false), (403, false), (404, false), (413, false)])
    func wholeRequestStatusesThatMayPass(status: Int, retryable: Bool) throws {
        #expect(try #require(self.failure(status, "")).isRetryable == retryable)
    }

    @Test func otherBodies() throws {
        // A proxy's plain-text page, a body-less reply, and a 413 with advice.
        #expect(try #require(self.failure(502, "<html>Bad Gateway</html>")).message == "<html>Bad Gateway</html>")
        #expect(try #require(self.failure(503, "")).message == "no reason given")
        #expect(try #require(self.failure(413, "")).message.contains("send smaller batches"))
        #expect(try #require(self.failure(500, String(repeating: "x", count: 5000))).message.count == 1001)
    }
}
