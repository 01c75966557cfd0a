import Coordination
import Foundation
import Hummingbird
import Logging
import NIOCore
import Pipeline
import ServiceLifecycle
import Synchronization

/// The admin HTTP API on `admin.listen`: `/metrics` (Prometheus text), `/health` (the process is
/// live), `/ready` (connected and caught up; 503 with the reasons otherwise) and `/status` (JSON).
/// `POST /resnapshot` with `{"tables": ["db.table", …]}` asks the running pipeline to copy tables
/// again (`sluice resnapshot`). With `admin.token` set, every endpoint wants `Authorization: Bearer
/// TOKEN` and answers 401 without.
///
/// Runs beside the pipeline in its service group, with the probe that reads the source's binlog end
/// for the lag in bytes (for pipelines that read the binlog); a graceful shutdown stops both.
public final class AdminServer: Service, Sendable {
    public let settings: AdminSettings
    let source: SourceSettings
    let probesSource: Bool
    let metrics: PipelineMetrics
    let highAvailability: HighAvailabilityStatus
    /// Nil for pipelines that cannot copy tables again (`capture`, `apply`).
    let resnapshots: ResnapshotRequests?
    let logger: Logger
    private let listening = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    public init(
        settings: AdminSettings, source: SourceSettings, probesSource: Bool, metrics: PipelineMetrics, highAvailability: HighAvailabilityStatus,
        resnapshots: ResnapshotRequests?, logger: Logger
    ) {
        self.settings = settings
        self.source = source
        self.probesSource = probesSource
        self.metrics = metrics
        self.highAvailability = highAvailability
        self.resnapshots = resnapshots
        self.logger = logger
    }

    /// The port it listens on, once it does (the chosen one when `admin.listen` asks for port 0).
    public func port() async -> Int {
        await withCheckedContinuation { continuation in
            let port = listening.withLock { state in
                if state.port == nil { state.waiters.append(continuation) }
                return state.port
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    public func run() async throws {
        let application = Application(
            router: router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? settings.port
                let waiters = listening.withLock { state in
                    state.port = port
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume(returning: port) }
                logger.info("admin API listening", metadata: ["address": "\(settings.host):\(port)", "token": "\(settings.token == nil ? "none" : "required")"])
            },
            logger: logger
        )
        let probe = SourceProbe(url: source.url, interval: settings.probeInterval, metrics: metrics, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await application.run()
                } catch {
                    throw AdminError("cannot serve the admin API on \(self.settings.address) (admin.listen): \(error). "
                        + "Choose another address or port, or stop what listens there")
                }
            }
            if probesSource {
                group.addTask {
                    // The probe has nothing to finish: it stops as soon as a shutdown begins.
                    await cancelWhenGracefulShutdown { await probe.run() }
                }
            }
            try await group.waitForAll()
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        if let token = settings.token { router.add(middleware: BearerTokenMiddleware(token: token)) }
        router.get("/health") { _, _ in "ok\n" }
        router.get("/ready") { [metrics, settings] _, _ -> Response in
            let readiness = metrics.readiness(threshold: settings.readyLagSeconds)
            return readiness.isReady
                ? Self.text("ready\n")
                : Self.text("not ready: " + readiness.reasons.joined(separator: "; ") + "\n", status: .serviceUnavailable)
        }
        router.get("/status") { [metrics, settings, source, highAvailability] _, _ -> Response in
            var status = metrics.status(source: source, readyThreshold: settings.readyLagSeconds)
            status.highAvailability = PipelineStatus.Role(highAvailability)
            let body = try PipelineStatus.encoder().encode(status)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.post("/resnapshot") { [resnapshots] request, context -> Response in
            guard let resnapshots else {
                return Self.text("only sluice run copies tables again; send this to its admin API (sluice resnapshot --config its file)\n", status: .conflict)
            }
            let tables: [String]
            do {
                tables = try await request.decode(as: ResnapshotRequest.self, context: context).tables
            } catch {
                return Self.text("send {\"tables\": [\"db.table\", ...]}\n", status: .badRequest)
            }
            do {
                try resnapshots.request(tables)
            } catch {
                return Self.text("\(error)\n", status: .badRequest)
            }
            return Self.text("copying \(tables.joined(separator: ", ")) again while streaming\n", status: .accepted)
        }
        router.get("/metrics") { [metrics] _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.prometheusText()))
            )
        }
        return router
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The body of `POST /resnapshot`.
struct ResnapshotRequest: Codable, Sendable {
    var tables: [String]
}

/// The admin API could not be served or read; the message says what to do.
public struct AdminError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
