import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOSSL

/// A client for the Elasticsearch (7, 8, 9) and OpenSearch (1, 2, 3) REST API: bulk writes
/// with external versions, index creation, and the reads that checks need.
///
/// Requests go to the configured nodes in turn; a node that cannot be reached is passed over
/// for a while. Calls throw ``ElasticsearchError`` for failures, or `CancellationError` when
/// their task is cancelled. A failed call is not retried here: ``BulkWriter`` retries bulk
/// writes, and other callers decide for themselves.
///
/// Call ``shutdown()`` when done.
public final class ElasticsearchClient: Sendable {
    private let http: HTTPClient
    private let nodes: NodePool
    /// The `Authorization` header value, if any. Never logged.
    private let authorization: String?
    private let requestTimeout: TimeAmount
    private let maximumResponseSize: Int
    private let logger: Logger

    public init(
        configuration: ElasticsearchConfiguration,
        logger: Logger = Logger(label: "sluice.elasticsearch")
    ) throws(ElasticsearchError) {
        guard !configuration.urls.isEmpty else {
            throw ElasticsearchError(.configuration, "no Elasticsearch URL is configured")
        }
        var nodes: [ElasticsearchNode] = []
        for url in configuration.urls {
            nodes.append(try ElasticsearchNode(url: url))
        }
        self.authorization = try Self.authorization(configuration, nodes: nodes)
        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: try Self.tlsConfiguration(configuration),
            // A redirect could carry the Authorization header to another host.
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(configuration.connectTimeout), read: TimeAmount(configuration.requestTimeout))
        )
        // Elasticsearch speaks HTTP/1.1 only.
        httpConfiguration.httpVersion = .http1Only
        // Fail fast on a node that refuses connections: it is then passed over and the request
        // retried elsewhere, instead of AsyncHTTPClient retrying the same node until the timeout.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
        self.nodes = NodePool(nodes: nodes, cooldown: configuration.deadNodeCooldown)
        self.requestTimeout = TimeAmount(configuration.requestTimeout)
        self.maximumResponseSize = configuration.maximumResponseSize
        self.logger = logger
    }

    /// Closes the connections. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await self.http.shutdown()
    }

    // MARK: - Cluster

    /// The server's name, distribution and version (`GET /`).
    public func info() async throws -> ServerInfo {
        let response = try await self.send(.GET, "/")
        try response.expectSuccess()
        do throws(ElasticsearchError) {
            return try ServerInfo(reply: try response.decodeJSON())
        } catch {
            throw response.context(error)
        }
    }

    // MARK: - Writes

    /// Sends the operations in one `_bulk` request and reads each one's outcome, in order.
    ///
    /// Operations Elasticsearch would refuse as a whole request (empty index or id, an id over
    /// 512 bytes, a version above 2⁶³−1) are not sent but come back `.rejected`, so they cannot
    /// hold back the rest.
    ///
    /// - Throws: ``ElasticsearchError`` when the request as a whole fails; its `isRetryable`
    ///   says whether sending the same operations again may help.
    public func bulk(_ operations: [BulkOperation]) async throws -> [BulkItemOutcome] {
        let (body, sent, refused) = Self.bulkBody(operations)
        var outcomes = refused
        guard !sent.isEmpty else { return outcomes }
        let response = try await self.send(
            .POST,
            "/_bulk",
            query: "filter_path=\(BulkResponse.filterPath)",
            body: body,
            contentType: "application/x-ndjson"
        )
        try response.expectSuccess()
        do throws(ElasticsearchError) {
            let items = try BulkResponse.parse(response.body, operations: sent.lazy.map { operations[$0] })
            for (position, outcome) in zip(sent, items) {
                outcomes[position] = outcome
            }
            return outcomes
        } catch {
            throw response.context(error)
        }
    }

    /// The `_bulk` body for `operations`, exactly as ``bulk(_:)`` sends it: the positions of the
    /// operations it holds, and outcomes with those refused before sending already `.rejected`
    /// (the others `.applied`, to be replaced by the server's).
    public static func bulkBody(_ operations: [BulkOperation]) -> (body: ByteBuffer, sent: [Int], outcomes: [BulkItemOutcome]) {
        var outcomes = [BulkItemOutcome](repeating: .applied, count: operations.count)
        var sent: [Int] = []
        sent.reserveCapacity(operations.count)
        var size = 0
        for (position, operation) in operations.enumerated() {
            if let failure = operation.validationFailure {
                outcomes[position] = .rejected(status: 400, type: "invalid_operation", reason: failure)
            } else {
                sent.append(position)
                if case .index(_, _, _, let source) = operation { size += source.readableBytes }
            }
        }
        // An action line is its index, id and version plus about 70 bytes of fixed text.
        var body = ByteBufferAllocator().buffer(capacity: size + sent.count * 128)
        for position in sent {
            operations[position].writeNDJSON(into: &body)
        }
        return (body, sent, outcomes)
    }

    // MARK: - Indices

    /// Creates the index with these mappings, unless something already decides its shape.
    ///
    /// Nothing is created when an index or alias of that name exists, or when an index template
    /// (composable, or legacy `_template`) has an `index_patterns` entry matching the name: the
    /// user's template wins, and applies when the first write creates the index. Another process
    /// creating the index at the same moment is not an error.
    ///
    /// - Parameters:
    ///   - name: The index name.
    ///   - mappings: A JSON object, `{"properties":{…}}`; see ``IndexMapping``.
    /// - Returns: Whether this call created the index.
    @discardableResult
    public func ensureIndex(_ name: String, mappings: ByteBuffer) async throws -> Bool {
        let path = "/" + Self.pathSegment(name)
        let existing = try await self.send(.HEAD, path)
        switch existing.status {
        case 200..<300:
            return false
        case 404:
            break
        default:
            try existing.expectSuccess()
        }
        if let template = try await self.templateMatching(name) {
            self.logger.info(
                "index template decides the new index's mappings",
                metadata: ["index": "\(name)", "template": "\(template)"]
            )
            return false
        }
        var body = ByteBuffer()
        body.writeStaticString(#"{"mappings":"#)
        body.writeImmutableBuffer(mappings)
        body.writeStaticString("}")
        let created = try await self.send(.PUT, path, body: body)
        if created.status == 400, created.errorType == "resource_already_exists_exception" {
            return false
        }
        try created.expectSuccess()
        return true
    }

    /// The name of a template whose `index_patterns` match `index`, composable ones first.
    private func templateMatching(_ index: String) async throws -> String? {
        // Composable templates: {"index_templates":[{"name":…,"index_template":{"index_patterns":[…]}}]}.
        // Elasticsearch before 7.8 has no such API and says 404 or 400; none there, then.
        let composable = try await self.send(.GET, "/_index_template")
        if composable.status != 404, composable.status != 400 {
            try composable.expectSuccess()
            let templates = try composable.decodeJSON()["index_templates"]?.arrayValue ?? []
            for template in templates
            where Self.patterns(template["index_template"]?["index_patterns"]).contains(where: { $0.matches(index) }) {
                return template["name"]?.stringValue ?? "?"
            }
        }
        // Legacy templates: {"<name>":{"index_patterns":[…] or "…"}}.
        let legacy = try await self.send(.GET, "/_template")
        guard legacy.status != 404 else { return nil }
        try legacy.expectSuccess()
        guard case .object(let templates) = try legacy.decodeJSON() else { return nil }
        return templates.first { Self.patterns($0.value["index_patterns"]).contains { $0.matches(index) } }?.key
    }

    private static func patterns(_ value: JSON?) -> [IndexPattern] {
        switch value {
        case .string(let pattern): [IndexPattern(pattern)]
        case .array(let patterns): patterns.compactMap(\.stringValue).map(IndexPattern.init)
        default: []
        }
    }

    /// Makes recent writes visible to searches and counts (`POST /<index>/_refresh`).
    public func refresh(index: String) async throws {
        try await self.send(.POST, "/\(Self.pathSegment(index))/_refresh").expectSuccess()
    }

    /// Deletes the index with its documents (`DELETE /<index>`); one that does not exist is no error.
    public func deleteIndex(_ index: String) async throws {
        let response = try await self.send(.DELETE, "/\(Self.pathSegment(index))")
        if response.status != 404 { try response.expectSuccess() }
    }

    // MARK: - Reads

    /// The number of documents in the index, as of its last refresh.
    public func count(index: String) async throws -> Int {
        let response = try await self.send(.GET, "/\(Self.pathSegment(index))/_count")
        try response.expectSuccess()
        guard let count = try response.decodeJSON()["count"]?.intValue else {
            throw response.context(ElasticsearchError(.malformedResponse, "the count reply has no count"))
        }
        return count
    }

    /// One document by id, or nil if the index has no such document.
    ///
    /// - Throws: ``ElasticsearchError`` if the index does not exist.
    public func get(index: String, id: String) async throws -> StoredDocument? {
        let response = try await self.send(.GET, "/\(Self.pathSegment(index))/_doc/\(Self.pathSegment(id))")
        // A missing document is a 404 with "found":false; a missing index is a 404 with an error.
        if response.status == 404, response.errorType == nil { return nil }
        try response.expectSuccess()
        let reply = try response.decodeJSON()
        guard reply["found"]?.boolValue == true else { return nil }
        guard let document = StoredDocument(hit: reply) else {
            throw response.context(ElasticsearchError(.malformedResponse, "the get reply has no _id"))
        }
        return document
    }

    /// Reads every document of the index, a page at a time, with the scroll API.
    ///
    /// Scroll works the same on every supported version; `search_after` would need a sort field,
    /// and sorting on `_id` is refused by default since Elasticsearch 8 and in OpenSearch. The
    /// scroll is a snapshot of the index as of the first page; its server-side context is
    /// released at the end, also when `handlePage` throws.
    ///
    /// - Parameters:
    ///   - pageSize: Documents per page.
    ///   - keepAlive: How long the server keeps the scroll between pages, in Elasticsearch's time
    ///     units (`1m`, `30s`).
    ///   - handlePage: Called with each non-empty page, in order.
    public func scan(
        index: String,
        pageSize: Int = 1000,
        keepAlive: String = "1m",
        _ handlePage: ([StoredDocument]) async throws -> Void
    ) async throws {
        var body = ByteBuffer()
        body.writeStaticString(#"{"size":"#)
        body.writeJSONNumber(Int64(pageSize))
        body.writeStaticString(#","sort":["_doc"],"version":true}"#)
        var response = try await self.send(
            .POST,
            "/\(Self.pathSegment(index))/_search",
            query: "scroll=\(Self.pathSegment(keepAlive))",
            body: body
        )
        var scrollID: String?
        do {
            while true {
                try response.expectSuccess()
                let reply = try response.decodeJSON()
                scrollID = reply["_scroll_id"]?.stringValue ?? scrollID
                let page = try response.searchHits(reply)
                guard !page.isEmpty else { break }
                try await handlePage(page)
                guard let scrollID else {
                    throw response.context(ElasticsearchError(.malformedResponse, "the search reply has no _scroll_id"))
                }
                var next = ByteBuffer()
                next.writeStaticString(#"{"scroll":"#)
                next.writeJSONString(keepAlive)
                next.writeStaticString(#","scroll_id":"#)
                next.writeJSONString(scrollID)
                next.writeStaticString("}")
                response = try await self.send(.POST, "/_search/scroll", body: next)
            }
        } catch {
            if let scrollID { await self.releaseScroll(scrollID) }
            throw error
        }
        if let scrollID { await self.releaseScroll(scrollID) }
    }

    /// Frees a scroll context. Failing that is harmless: it expires on its own.
    private func releaseScroll(_ scrollID: String) async {
        var body = ByteBuffer()
        body.writeStaticString(#"{"scroll_id":["#)
        body.writeJSONString(scrollID)
        body.writeStaticString("]}")
        do {
            try await self.send(.DELETE, "/_search/scroll", body: body).expectSuccess()
        } catch {
            self.logger.debug("could not release a scroll context", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Transport

    /// The methods this client uses. (NIOHTTP1's `HTTPMethod` is not a dependency of this module.)
    enum Method: String, Sendable {
        case GET, HEAD, POST, PUT, DELETE
    }

    /// A reply, with what is needed to say where it came from.
    struct Response: Sendable {
        var status: Int
        var body: ByteBuffer
        /// e.g. `POST /_bulk`.
        var request: String
        var node: String

        /// The reply's `error.type`, if it is an Elasticsearch error.
        var errorType: String? {
            (try? JSON(parsing: self.body))?["error"]?["type"]?.stringValue
        }

        func decodeJSON() throws(ElasticsearchError) -> JSON {
            do {
                return try JSON(parsing: self.body)
            } catch {
                throw self.context(ElasticsearchError(.malformedResponse, "the reply is not JSON: \(error)"))
            }
        }

        /// Adds the request and node to an error about this reply.
        func context(_ error: ElasticsearchError) -> ElasticsearchError {
            var error = error
            error.request = error.request ?? self.request
            error.node = error.node ?? self.node
            return error
        }

        /// Throws unless the status is 2xx, with Elasticsearch's own account of the error.
        func expectSuccess() throws(ElasticsearchError) {
            guard !(200..<300).contains(self.status) else { return }
            let error = (try? JSON(parsing: self.body))?["error"]
            let type = error?["type"]?.stringValue
            var message = error?["reason"]?.stringValue ?? error?.stringValue ?? String(buffer: self.body)
            if message.isEmpty { message = "no reason given" }
            if message.count > 1000 { message = String(message.prefix(1000)) + "…" }
            if self.status == 413 {
                message += " (the request body is larger than the server's http.max_content_length; send smaller batches)"
            }
            throw ElasticsearchError(
                .status,
                message,
                request: self.request,
                node: self.node,
                status: self.status,
                errorType: type,
                isRetryable: self.status == 408 || self.status == 429 || self.status >= 500
            )
        }
    }

    /// Sends one request to the next node and collects the whole reply, whatever its status.
    func send(
        _ method: Method,
        _ path: String,
        query: String? = nil,
        body: ByteBuffer? = nil,
        contentType: String = "application/json"
    ) async throws -> Response {
        let node = await self.nodes.pick()
        let label = "\(method.rawValue) \(path)"
        var request = HTTPClientRequest(url: node.baseURL + path + (query.map { "?" + $0 } ?? ""))
        switch method {
        case .GET: request.method = .GET
        case .HEAD: request.method = .HEAD
        case .POST: request.method = .POST
        case .PUT: request.method = .PUT
        case .DELETE: request.method = .DELETE
        }
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(body)
        }
        self.logger.trace("request", metadata: ["request": "\(label)", "node": "\(node)"])
        let status: Int
        let reply: ByteBuffer
        do {
            let response = try await self.http.execute(request, timeout: self.requestTimeout, logger: self.logger)
            status = Int(response.status.code)
            reply = try await response.body.collect(upTo: self.maximumResponseSize)
        } catch is NIOTooManyBytesError {
            throw ElasticsearchError(
                .malformedResponse,
                "the reply is larger than maximumResponseSize (\(self.maximumResponseSize) bytes)",
                request: label,
                node: node.description
            )
        } catch {
            if Task.isCancelled { throw CancellationError() }
            await self.nodes.markFailed(node)
            self.logger.warning(
                "Elasticsearch node unreachable; passing over it for a while",
                metadata: ["node": "\(node)", "error": "\(error)"]
            )
            throw ElasticsearchError(
                .transport,
                Self.describeTransportError(error),
                request: label,
                node: node.description,
                isRetryable: Self.isRetryableTransportError(error)
            )
        }
        // A gateway error is a proxy's way of saying the node behind it is not answering.
        if (502...504).contains(status) {
            await self.nodes.markFailed(node)
        } else {
            await self.nodes.markHealthy(node)
        }
        return Response(status: status, body: reply, request: label, node: node.description)
    }

    private static func describeTransportError(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connecting timed out"
            case .readTimeout, .deadlineExceeded: return "the request timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        // NIO's own wording for a refused connection is "connection reset (error set): …".
        if let error = error as? IOError {
            return "\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"
        }
        return String(describing: error)
    }

    /// Everything but a failed TLS handshake may pass: a certificate that does not verify will
    /// not verify next time either.
    private static func isRetryableTransportError(_ error: any Error) -> Bool {
        if let error = error as? NIOSSLError, case .handshakeFailed = error { return false }
        return true
    }

    // MARK: - Configuration

    private static func authorization(
        _ configuration: ElasticsearchConfiguration,
        nodes: [ElasticsearchNode]
    ) throws(ElasticsearchError) -> String? {
        var username = configuration.username
        var password = configuration.password
        if let fromURL = nodes.first(where: { $0.username != nil }) {
            guard username == nil, configuration.apiKey == nil else {
                throw ElasticsearchError(
                    .configuration,
                    "credentials are given both in a URL and in the settings; give them once"
                )
            }
            guard nodes.allSatisfy({ $0.username == fromURL.username && $0.password == fromURL.password }) else {
                throw ElasticsearchError(.configuration, "the Elasticsearch URLs carry different credentials")
            }
            username = fromURL.username
            password = fromURL.password
        }
        if let apiKey = configuration.apiKey {
            guard username == nil else {
                throw ElasticsearchError(.configuration, "set either username and password or apiKey, not both")
            }
            return "ApiKey \(apiKey)"
        }
        guard let username else {
            guard password == nil else { throw ElasticsearchError(.configuration, "a password is set without a username") }
            return nil
        }
        return "Basic " + Data("\(username):\(password ?? "")".utf8).base64EncodedString()
    }

    private static func tlsConfiguration(_ configuration: ElasticsearchConfiguration) throws(ElasticsearchError)
        -> TLSConfiguration
    {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw ElasticsearchError(.configuration, "cannot read CA certificates from \(caFile): \(error)")
            }
        }
        if !configuration.verifyCertificates {
            tls.certificateVerification = .none
        }
        return tls
    }

    // MARK: - Encoding

    /// RFC 3986 unreserved characters: everything else is percent-encoded in paths and queries.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    /// Text as one path segment or query value: a `/` or `?` in a document id must not split it.
    static func pathSegment(_ text: String) -> String {
        // Only lone surrogates fail to encode, and a Swift String cannot hold them.
        text.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? text
    }
}
