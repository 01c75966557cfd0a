import Foundation
import Synchronization

/// A wait that took longer than its generous bound; the message says what was awaited.
public struct TimedOut: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// Awaits `operation`, but fails after `bound` with a message naming `what` was awaited, instead of
/// hanging the test. A hung operation is cancelled and left behind, never awaited.
public func bounded<T: Sendable>(
    _ bound: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let once = ResumeOnce(continuation)
        let work = Task {
            do {
                once.resume(.success(try await operation()))
            } catch {
                once.resume(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: bound)
            if !Task.isCancelled, once.resume(.failure(TimedOut(description: "waited \(bound) for \(what)"))) {
                work.cancel()
            }
        }
        once.onResume { timer.cancel() }
    }
}

/// Polls `condition` every 20 ms until it holds, failing after `bound` with a message naming `what`
/// was awaited and, if given, the last state seen.
public func waitUntil(
    _ bound: Duration, _ what: String, lastSeen: @Sendable () async -> String = { "" },
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + bound
    while try await !condition() {
        if ContinuousClock.now > deadline {
            let seen = await lastSeen()
            throw TimedOut(description: "waited \(bound) for \(what)" + (seen.isEmpty ? "" : "; last seen: \(seen)"))
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Resumes a continuation at most once, from whichever task gets there first.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let state: Mutex<(continuation: CheckedContinuation<T, any Error>?, onResume: (@Sendable () -> Void)?)>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        state = Mutex((continuation, nil))
    }

    /// Whether this call resumed the continuation.
    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        let (continuation, onResume) = state.withLock { state in
            defer { state = (nil, nil) }
            return (state.continuation, state.onResume)
        }
        guard let continuation else { return false }
        continuation.resume(with: result)
        onResume?()
        return true
    }

    /// Runs `action` once resumed (at once if already resumed).
    func onResume(_ action: @escaping @Sendable () -> Void) {
        let resumed = state.withLock { state in
            if state.continuation == nil { return true }
            state.onResume = action
            return false
        }
        if resumed { action() }
    }
}
