import AsyncHTTPClient
import Foundation
import NIOCore
import Pipeline

/// Talks to a running instance's admin API, as `sluice status` and `sluice resnapshot` do.
public enum AdminClient {
    /// `/status` of the instance configured with `settings`, with its token.
    public static func status(_ settings: AdminSettings) async throws -> PipelineStatus {
        let (url, body) = try await call("/status", settings)
        do {
            return try PipelineStatus.decoder().decode(PipelineStatus.self, from: Data(body.readableBytesView))
        } catch {
            throw AdminError("\(url) answered with a status this version cannot read: \(error)")
        }
    }

    /// Asks the running instance to copy `tables` again; returns its answer. Throws `NotRunning`
    /// when nothing answers at the configured address.
    public static func resnapshot(_ tables: [String], _ settings: AdminSettings) async throws -> String {
        let body = try JSONEncoder().encode(ResnapshotRequest(tables: tables))
        return String(buffer: try await call("/resnapshot", settings, posting: ByteBuffer(bytes: body)).body)
    }

    /// Nothing answered at `admin.listen`: no instance runs with this configuration.
    public struct NotRunning: Error, CustomStringConvertible {
        public var url: String
        public var underlying: any Error
        public var description: String {
            "nothing answers at \(url): \(underlying). Is `sluice run` running with this configuration?"
        }
    }

    /// GETs `path`, or POSTs `body` to it.
    private static func call(_ path: String, _ settings: AdminSettings, posting body: ByteBuffer? = nil) async throws -> (url: String, body: ByteBuffer) {
        let url = "http://\(connectAddress(settings))\(path)"
        var request = HTTPClientRequest(url: url)
        if let body {
            request.method = .POST
            request.body = .bytes(body)
        }
        if let token = settings.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        let answer: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            answer = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw NotRunning(url: "\(url) (admin.listen \(settings.address))", underlying: error)
        }
        switch response.status.code {
        case 200..<300:
            return (url, answer)
        case 401:
            let given = settings.token == nil ? "none is configured" : "the configured one is not it"
            throw AdminError("\(url) wants the running instance's bearer token (401) and \(given): "
                + "set admin.token, admin.token_file or SLUICE_ADMIN_TOKEN as that instance has it")
        default:
            throw AdminError("\(url) answered HTTP \(response.status.code): \(String(buffer: answer))")
        }
    }

    /// Where to connect for `admin.listen`: a wildcard address is reached on loopback.
    static func connectAddress(_ settings: AdminSettings) -> String {
        switch settings.host {
        case "0.0.0.0": "127.0.0.1:\(settings.port)"
        case "::": "[::1]:\(settings.port)"
        default: settings.address
        }
    }
}
