import ChangeCapture

/// Whether the sync has got as far as a source position, from its saved position.
enum SyncProgress {
    /// Whether `file`:`offset` is at or past `position`. Binlog files are compared by their
    /// sequence number (`mariadb-bin.000042` → 42), then by name, so `.999999` → `.1000000` orders right.
    static func isAtOrPast(file: String, offset: UInt64, _ position: ReplicationPosition) -> Bool {
        let (saved, target) = (sequence(file), sequence(position.file))
        if saved != target { return saved > target }
        if file != position.file { return file > position.file }
        return offset >= position.offset
    }

    private static func sequence(_ file: String) -> UInt64 {
        file.split(separator: ".").last.flatMap { UInt64($0) } ?? 0
    }
}
