import AsyncHTTPClient
import Foundation
import NIOCore
import Pipeline

/// Reads a running instance's admin API, as `sluice status` does.
public enum AdminClient {
    /// `/status` of the instance configured with `settings`, with its token.
    public static func status(_ settings: AdminSettings) async throws -> PipelineStatus {
        let url = "http://\(connectAddress(settings))/status"
        var request = HTTPClientRequest(url: url)
        if let token = settings.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            body = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw AdminError("nothing answers at \(url) (admin.listen \(settings.address)): \(error). Is `sluice run` running with this configuration?")
        }
        switch response.status.code {
        case 200:
            do {
                return try PipelineStatus.decoder().decode(PipelineStatus.self, from: Data(body.readableBytesView))
            } catch {
                throw AdminError("\(url) answered with a status this version cannot read: \(error)")
            }
        case 401:
            let given = settings.token == nil ? "none is configured" : "the configured one is not it"
            throw AdminError("\(url) wants the running instance's bearer token (401) and \(given): "
                + "set admin.token, admin.token_file or SLUICE_ADMIN_TOKEN as that instance has it")
        default:
            throw AdminError("\(url) answered HTTP \(response.status.code): \(String(buffer: body))")
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
