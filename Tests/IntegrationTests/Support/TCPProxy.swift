import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy to one server, which a test can cut: `stop()` closes every connection and the
/// listening socket, so the server behind it looks dead to its clients (refused, then lost) while it
/// keeps running for every other test.
final class TCPProxy: Sendable {
    let port: Int
    private let listener: Int32
    private let sockets = Mutex<(open: Set<Int32>, stopped: Bool)>(([], false))

    init(to targetPort: Int) throws {
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listening, $0, length) == 0 && getsockname(listening, $0, &length) == 0 && listen(listening, 16) == 0
            }
        }
        guard ready else {
            close(listening)
            throw SluiceProcess.Failure("cannot listen for the proxy: \(String(cString: strerror(errno)))")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = listening
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listening, nil, nil)
                guard client >= 0 else { return }
                let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var target = Self.loopback(port: targetPort)
                let connected = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
                }
                guard connected, track([client, server]) else {
                    close(client)
                    close(server)
                    continue
                }
                for (from, to) in [(client, server), (server, client)] {
                    Thread.detachNewThread { Self.pump(from: from, to: to) }
                }
            }
        }
    }

    /// Cuts every connection and stops listening: new connections are refused. Returns how many
    /// connections it cut.
    @discardableResult
    func stop() -> Int {
        // Once only: a second close could hit a descriptor number that was reused meanwhile.
        let open: Set<Int32>? = sockets.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            defer { state.open = [] }
            return state.open
        }
        guard let open else { return 0 }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for socket in open { shutdown(socket, Int32(SHUT_RDWR)) }
        return open.count / 2
    }

    deinit { stop() }

    private func track(_ pair: [Int32]) -> Bool {
        sockets.withLock { state in
            guard !state.stopped else { return false }
            state.open.formUnion(pair)
            return true
        }
    }

    private static func pump(from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(from, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { break }
                sent += written
            }
            guard sent == count else { break }
        }
        shutdown(to, Int32(SHUT_RDWR))
        shutdown(from, Int32(SHUT_RDWR))
    }

    /// 127.0.0.1:`port` as a socket address.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}
