import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// etcd's v3 API through its JSON gateway (`POST /v3/kv/range`, `/v3/kv/txn`, `/v3/lease/grant`, ...).
///
/// Keys and values travel base64-encoded, 64-bit numbers as decimal strings, and fields holding their
/// default value (0, false, empty) are left out of replies. Endpoints are tried in order until one answers.
struct EtcdClient: Sendable {
    let endpoints: [String]
    /// How long one request may take before the next endpoint is tried.
    let timeout: Duration

    init(endpoints: [String], timeout: Duration) {
        self.endpoints = endpoints.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.timeout = timeout
    }

    /// One client for the process, like `HTTPClient.shared` (so never shut down), but failing fast on an
    /// endpoint that refuses connections: the next endpoint is tried, and an outage is reported at once
    /// instead of when the request times out.
    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    typealias Object = [String: Any]

    /// POSTs `body` to `path` and returns the decoded reply. An endpoint that cannot be reached, or answers
    /// with a server error, makes the next one be tried; `.unavailable` when none answers.
    func call(_ path: String, _ body: Object, isolation: isolated (any Actor)? = #isolation) async throws(CoordinationError) -> Object {
        let payload: Data
        do {
            payload = try JSONSerialization.data(withJSONObject: body)
        } catch {
            throw CoordinationError("cannot encode an etcd request for \(path): \(error)")
        }
        var problems: [String] = []
        for endpoint in endpoints {
            var request = HTTPClientRequest(url: endpoint + path)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: payload))
            let status: UInt
            let data: Data
            do {
                let response = try await Self.http.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
                status = response.status.code
                data = Data(buffer: try await response.body.collect(upTo: 16 << 20))
            } catch {
                problems.append("\(endpoint): \(error)")
                continue
            }
            let object = (try? JSONSerialization.jsonObject(with: data)) as? Object
            if status >= 500 || status == 429 {
                problems.append("\(endpoint): HTTP \(status) \(object?["message"] as? String ?? "")")
                continue
            }
            guard status == 200, let object else {
                let message = object?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
                throw CoordinationError("etcd (\(endpoint)) refused \(path): HTTP \(status) \(message)")
            }
            return object
        }
        throw CoordinationError("etcd did not answer \(path): \(problems.joined(separator: "; "))", kind: .unavailable)
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The first key-value of a range reply (`kvs[0]`).
    static func firstKeyValue(_ range: Object) -> Object? {
        (range["kvs"] as? [Object])?.first
    }

    /// A 64-bit field, sent as a decimal string; absent means 0.
    static func integer(_ object: Object?, _ key: String) -> Int64 {
        switch object?[key] {
        case let text as String: Int64(text) ?? 0
        case let number as NSNumber: number.int64Value
        default: 0
        }
    }
}
