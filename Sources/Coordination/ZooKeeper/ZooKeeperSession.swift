import CZooKeeper
import NIOConcurrencyHelpers

/// One ZooKeeper session over Debian's multi-threaded C client (`libzookeeper_mt`).
///
/// The C client is the ZooKeeper project's own: it keeps the session alive with pings, moves to another
/// server of the ensemble when one fails, and re-attaches the session there while it is still valid.
/// Its asynchronous calls complete on the client's own thread; each call here waits for that completion
/// without blocking a Swift thread, and gives up after the session timeout so an unreachable ensemble
/// never hangs a caller.
final class ZooKeeperSession: @unchecked Sendable {
    /// A znode's data and version.
    struct Node: Sendable {
        var data: [UInt8]
        var version: Int32
        /// The session that created it, for an ephemeral node; 0 for a persistent one.
        var ephemeralOwner: Int64
    }

    /// A call's result code (ZOK, ZNONODE, ...) with what came back.
    struct Reply: Sendable {
        var code: Int32
        var node: Node?
    }

    let ensemble: String
    /// The session timeout asked for, in milliseconds; the servers may grant another within their bounds.
    let requestedTimeout: Int32
    private let handle: OpaquePointer

    /// Starts connecting to `ensemble` (`host:port,host:port`); calls wait for the connection.
    init(ensemble: String, timeoutMilliseconds: Int32) throws(CoordinationError) {
        // Failures reach the caller as result codes; the client's own log would only repeat them on stderr.
        zoo_set_debug_level(ZooLogLevel(rawValue: 0))
        guard let handle = zookeeper_init(ensemble, { _, _, _, _, _ in }, timeoutMilliseconds, nil, nil, 0) else {
            throw CoordinationError("cannot start a ZooKeeper session with '\(ensemble)': expected HOST:PORT[,HOST:PORT...], e.g. 127.0.0.1:2181")
        }
        self.ensemble = ensemble
        self.requestedTimeout = timeoutMilliseconds
        self.handle = handle
    }

    deinit {
        zookeeper_close(handle)
    }

    /// The session's id, which ZooKeeper records as the owner of the ephemeral nodes it creates.
    var sessionID: Int64 { zoo_client_id(handle).pointee.client_id }

    /// The session timeout the servers granted (the requested one until the first connection).
    var timeoutMilliseconds: Int32 {
        let granted = zoo_recv_timeout(handle)
        return granted > 0 ? granted : requestedTimeout
    }

    /// Whether the servers have expired this session: nothing done through it succeeds any more.
    var isExpired: Bool { zoo_state(handle) == sluice_zoo_expired_session_state() }

    func get(_ path: String) async -> Reply {
        await call { handle, context in
            zoo_aget(handle, path, 0, { code, value, length, stat, context in
                let data = value.map { Array(UnsafeRawBufferPointer(start: UnsafeRawPointer($0), count: Int(max(length, 0)))) } ?? []
                Pending.finish(context, Reply(code: code, node: stat.map { Node(data: data, version: $0.pointee.version, ephemeralOwner: $0.pointee.ephemeralOwner) }))
            }, context)
        }
    }

    /// Sets `path`'s data if its version is still `version` (-1: any version); the reply carries the new version.
    func set(_ path: String, _ data: [UInt8], version: Int32) async -> Reply {
        await call { handle, context in
            data.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { bytes in
                    zoo_aset(handle, path, bytes.baseAddress, Int32(bytes.count), version, { code, stat, context in
                        Pending.finish(context, Reply(code: code, node: stat.map { Node(data: [], version: $0.pointee.version, ephemeralOwner: $0.pointee.ephemeralOwner) }))
                    }, context)
                }
            }
        }
    }

    func create(_ path: String, _ data: [UInt8], ephemeral: Bool) async -> Reply {
        await call { handle, context in
            data.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { bytes in
                    let mode = ephemeral ? sluice_zoo_ephemeral() : sluice_zoo_persistent()
                    return zoo_acreate(handle, path, bytes.baseAddress, Int32(bytes.count), sluice_zoo_open_acl(), mode, { code, _, context in
                        Pending.finish(context, Reply(code: code, node: nil))
                    }, context)
                }
            }
        }
    }

    func delete(_ path: String, version: Int32) async -> Reply {
        await call { handle, context in
            zoo_adelete(handle, path, version, { code, context in Pending.finish(context, Reply(code: code, node: nil)) }, context)
        }
    }

    /// Creates `path`'s missing ancestors as empty persistent nodes.
    func createParents(of path: String) async throws(CoordinationError) {
        var parent = ""
        for component in path.split(separator: "/").dropLast() {
            parent += "/" + component
            let reply = await create(parent, [], ephemeral: false)
            guard reply.code == ZOK.rawValue || reply.code == ZNODEEXISTS.rawValue else {
                throw failure(reply.code, "creating \(parent)")
            }
        }
    }

    /// An error for result `code` of `what`, saying whether retrying may help.
    func failure(_ code: Int32, _ what: String) -> CoordinationError {
        let text = String(cString: zerror(code))
        let transient = [ZCONNECTIONLOSS.rawValue, ZOPERATIONTIMEOUT.rawValue].contains(code)
        if code == ZSESSIONEXPIRED.rawValue || code == ZINVALIDSTATE.rawValue {
            return CoordinationError("ZooKeeper (\(ensemble)) expired this instance's session while \(what) (\(text)); it no longer holds anything there", kind: .deposed)
        }
        return CoordinationError("ZooKeeper (\(ensemble)) failed \(what): \(text)", kind: transient ? .unavailable : .refused)
    }

    /// Runs one asynchronous C call, passing it a context for its completion, and waits for the completion
    /// or the session timeout, whichever comes first.
    private func call(_ start: (OpaquePointer, UnsafeRawPointer) -> Int32) async -> Reply {
        let timeout = Duration.milliseconds(Int64(timeoutMilliseconds))
        return await withCheckedContinuation { continuation in
            let pending = Pending(continuation)
            let context = UnsafeRawPointer(Unmanaged.passRetained(pending).toOpaque())
            let code = start(handle, context)
            guard code == ZOK.rawValue else {
                Unmanaged<Pending>.fromOpaque(context).release()
                pending.resume(Reply(code: code, node: nil))
                return
            }
            pending.expire(after: timeout)
        }
    }

    /// A call waiting for its completion; the first of completion and timeout resumes it.
    private final class Pending: Sendable {
        private let state: NIOLockedValueBox<(continuation: CheckedContinuation<Reply, Never>?, timer: Task<Void, Never>?)>

        init(_ continuation: CheckedContinuation<Reply, Never>) {
            self.state = NIOLockedValueBox((continuation, nil))
        }

        func resume(_ reply: Reply) {
            let timer = state.withLockedValue { state in
                state.continuation?.resume(returning: reply)
                defer { state = (nil, nil) }
                return state.timer
            }
            timer?.cancel()
        }

        /// Resumes with ZOPERATIONTIMEOUT unless the completion comes within `timeout`.
        func expire(after timeout: Duration) {
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.resume(Reply(code: ZOPERATIONTIMEOUT.rawValue, node: nil))
            }
            let finished = state.withLockedValue { state in
                if state.continuation != nil { state.timer = timer }
                return state.continuation == nil
            }
            if finished { timer.cancel() }
        }

        /// Called by the C client's completion thread with the context `call` passed.
        static func finish(_ context: UnsafeRawPointer?, _ reply: Reply) {
            guard let context else { return }
            Unmanaged<Pending>.fromOpaque(context).takeRetainedValue().resume(reply)
        }
    }
}
