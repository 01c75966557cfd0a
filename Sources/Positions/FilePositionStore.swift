import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the position in a small JSON file, pretty-printed with sorted keys so a person can read and diff it.
///
/// A save writes `PATH.tmp` in the same directory, flushes it to disk, renames it over `PATH` and flushes
/// the directory. A crash therefore leaves either the old file or the new one, never a mix; a leftover
/// `PATH.tmp` is ignored by `load` and overwritten by the next `save`.
///
/// An actor so that saves never interleave on the one temporary file. Its I/O blocks briefly: the file is a
/// few hundred bytes, written at most once per checkpoint interval.
public actor FilePositionStore: PositionStore {
    /// The positions file, made absolute when the store is created.
    public nonisolated let path: String

    public init(path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }

    public nonisolated var description: String { "file \(path)" }

    private nonisolated var temporaryPath: String { path + ".tmp" }
    private nonisolated var directory: String { (path as NSString).deletingLastPathComponent }

    public func load() throws -> SavedPosition? {
        guard let data = try contents() else { return nil }
        guard !data.isEmpty else { throw damaged("it is empty") }
        do throws(PositionStoreError) {
            return try SavedPosition(json: data)
        } catch {
            throw damaged(error.message)
        }
    }

    public func save(_ position: SavedPosition) throws {
        let data = try position.json()
        try createDirectory()
        try writeTemporary(data)
        guard rename(temporaryPath, path) == 0 else {
            let failure = PositionStoreError("cannot rename \(temporaryPath) to \(path): \(Self.describe(errno)); the saved position is unchanged")
            unlink(temporaryPath)
            throw failure
        }
        try syncDirectory()
    }

    public func remove() throws {
        for file in [path, temporaryPath] where unlink(file) != 0 && errno != ENOENT {
            throw PositionStoreError("cannot remove the positions file \(file): \(Self.describe(errno))")
        }
        if FileManager.default.fileExists(atPath: directory) {
            try syncDirectory()
        }
    }

    /// The file's bytes, or `nil` when there is no file.
    private func contents() throws -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw unreadable(errno)
        }
        defer { close(descriptor) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable(errno)
            }
            data.append(contentsOf: chunk[..<count])
        }
    }

    /// Creates the file's directory and any missing parents.
    private func createDirectory() throws {
        var current = ""
        for component in directory.split(separator: "/") {
            current += "/" + component
            guard mkdir(current, 0o755) == 0 || errno == EEXIST else {
                throw PositionStoreError("cannot create the directory \(current) for the positions file: \(Self.describe(errno))")
            }
        }
    }

    /// Writes and flushes `PATH.tmp`, removing it again if anything fails.
    private func writeTemporary(_ data: Data) throws {
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw PositionStoreError("cannot create \(temporaryPath) to save the position: \(Self.describe(errno))")
        }
        var failure: Int32?
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == nil { failure = errno }
        if let failure {
            unlink(temporaryPath)
            throw PositionStoreError("cannot write \(temporaryPath) to save the position: \(Self.describe(failure)); the saved position is unchanged")
        }
    }

    /// Flushes the directory, so that the rename itself survives a power loss.
    private func syncDirectory() throws {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PositionStoreError("cannot open the directory \(directory) to flush it: \(Self.describe(errno))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw PositionStoreError("cannot flush the directory \(directory): \(Self.describe(errno))")
        }
    }

    private func unreadable(_ code: Int32) -> PositionStoreError {
        PositionStoreError(
            "cannot read the positions file \(path): \(Self.describe(code)). Make it readable, "
                + "or run `sluice position reset` to forget the position and start from the configured `start`."
        )
    }

    private func damaged(_ problem: String) -> PositionStoreError {
        PositionStoreError(
            "the positions file \(path) is damaged: \(problem). Sluice will not guess where to resume: "
                + "run `sluice position set FILE:POS` (or `gtid:SET`) to say where, "
                + "or `sluice position reset` to forget it and start from the configured `start`."
        )
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
