import Foundation
import Positions
import Testing

@Suite struct FilePositionStoreTests {
    let directory = TemporaryDirectory()

    static let position = SavedPosition(
        file: "mysql-bin.000003",
        offset: 1234,
        gtidSet: "0-1-42",
        serverID: 1,
        timestamp: 1_700_000_000,
        savedAt: Date(timeIntervalSince1970: 1_700_000_005.75)
    )

    @Test func missingFileLoadsAsNoPosition() async throws {
        let store = FilePositionStore(path: directory.file("positions.json"))
        #expect(try await store.load() == nil)
    }

    @Test func roundTripsAsReadableJSON() async throws {
        let store = FilePositionStore(path: directory.file("positions.json"))
        try await store.save(Self.position)
        #expect(try await store.load() == Self.position)
        #expect(try directory.read("positions.json") == """
            {
              "file" : "mysql-bin.000003",
              "gtid_set" : "0-1-42",
              "offset" : 1234,
              "saved_at" : "2023-11-14T22:13:25Z",
              "server_id" : 1,
              "timestamp" : 1700000000
            }

            """)
    }

    @Test func roundTripsSnapshotProgress() async throws {
        var position = Self.position
        position.snapshot = SnapshotProgress(
            binlogFile: "mysql-bin.000003",
            binlogOffset: 1234,
            tables: ["shop.customers", "shop.orders", "shop.items"],
            completed: ["shop.customers"],
            current: "shop.orders",
            lastKey: ["7", "\"abc\""]
        )
        let store = FilePositionStore(path: directory.file("positions.json"))
        try await store.save(position)
        #expect(try await store.load() == position)
        #expect(try directory.read("positions.json").contains(#""last_key" : ["#))
    }

    @Test func savedAtDefaultsToNowInWholeSeconds() async throws {
        let position = SavedPosition(file: "binlog.000001", offset: 4, timestamp: 0)
        #expect(position.savedAt.timeIntervalSince1970.rounded(.down) == position.savedAt.timeIntervalSince1970)
        #expect(abs(position.savedAt.timeIntervalSinceNow) < 5)
        let store = FilePositionStore(path: directory.file("positions.json"))
        try await store.save(position)
        #expect(try await store.load() == position)
    }

    @Test func saveReplacesTheFileAndLeavesNoTemporaryFile() async throws {
        let store = FilePositionStore(path: directory.file("positions.json"))
        try await store.save(Self.position)
        var later = Self.position
        later.offset = 99_999
        try await store.save(later)
        #expect(try await store.load() == later)
        #expect(!directory.exists("positions.json.tmp"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["positions.json"])
    }

    @Test func leftoverTemporaryFileFromACrashIsIgnoredThenReplaced() async throws {
        let store = FilePositionStore(path: directory.file("positions.json"))
        try await store.save(Self.position)
        // A crash between creating the temporary file and renaming it leaves half a file behind.
        try directory.write(#"{ "file" : "mysql-bin.0000"#, to: "positions.json.tmp")
        #expect(try await store.load() == Self.position)
        var later = Self.position
        later.offset = 5678
        try await store.save(later)
        #expect(try await store.load() == later)
        #expect(!directory.exists("positions.json.tmp"))
    }

    @Test func createsMissingDirectories() async throws {
        let path = directory.file("a/b/c/positions.json")
        let store = FilePositionStore(path: path)
        try await store.save(Self.position)
        #expect(try await store.load() == Self.position)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func pathIsMadeAbsolute() {
        let store = FilePositionStore(path: "sluice-data/../positions.json")
        let expected = FileManager.default.currentDirectoryPath + "/positions.json"
        #expect(store.path == expected)
        #expect(store.description == "file \(expected)")
    }

    @Test func removeForgetsThePositionAndAnyLeftover() async throws {
        let store = FilePositionStore(path: directory.file("positions.json"))
        try await store.remove()
        try await store.save(Self.position)
        try directory.write("{", to: "positions.json.tmp")
        try await store.remove()
        #expect(try await store.load() == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test(arguments: [
        ("not json at all", "it is not valid JSON"),
        ("", "it is empty"),
        (#"{"file": "mysql-bin.000003", "timestamp": 0, "saved_at": "2024-01-01T00:00:00Z"}"#, "'offset' is missing"),
        (#"{"file": "f", "offset": "x", "timestamp": 0, "saved_at": "2024-01-01T00:00:00Z"}"#, "'offset' is not a valid UInt64"),
        (#"{"file": "f", "offset": 4, "timestamp": 0, "saved_at": "yesterday"}"#, "'saved_at': expected an ISO-8601 time such as 2024-05-01T12:00:00Z, got 'yesterday'"),
        (#"{"file": "f", "offset": 4, "timestamp": 0, "saved_at": "2024-01-01T00:00:00Z", "snapshot": {"binlog_file": "f", "tables": [], "completed": []}}"#,
         "'snapshot.binlog_offset' is missing"),
    ])
    func damagedFileIsAClearError(contents: String, problem: String) async throws {
        try directory.write(contents, to: "positions.json")
        let store = FilePositionStore(path: directory.file("positions.json"))
        let error = try await #require(throws: PositionStoreError.self) { try await store.load() }
        #expect(error.message.contains("the positions file \(store.path) is damaged: \(problem)"))
        #expect(error.message.contains("sluice position set FILE:POS"))
        #expect(error.message.contains("sluice position reset"))
    }

    @Test func unreadableFileIsAClearError() async throws {
        try FileManager.default.createDirectory(atPath: directory.file("positions.json"), withIntermediateDirectories: false)
        let store = FilePositionStore(path: directory.file("positions.json"))
        let error = try await #require(throws: PositionStoreError.self) { try await store.load() }
        #expect(error.message.contains("cannot read the positions file \(store.path): Is a directory"))
        #expect(error.message.contains("sluice position reset"))
    }

    @Test func failedSaveKeepsThePreviousPosition() async throws {
        let store = FilePositionStore(path: directory.file("positions.json"))
        try await store.save(Self.position)
        // A directory in the temporary file's place makes creating it fail.
        try FileManager.default.createDirectory(atPath: directory.file("positions.json.tmp"), withIntermediateDirectories: false)
        var later = Self.position
        later.offset = 5678
        let error = try await #require(throws: PositionStoreError.self) { try await store.save(later) }
        #expect(error.message.contains("cannot create \(store.path).tmp to save the position: Is a directory"))
        #expect(try await store.load() == Self.position)
    }

    @Test func unwritableDirectoryIsAClearError() async throws {
        // A file where the directory should be: creating the directory fails whoever runs the test.
        try directory.write("", to: "blocker")
        let store = FilePositionStore(path: directory.file("blocker/positions.json"))
        let error = try await #require(throws: PositionStoreError.self) { try await store.save(Self.position) }
        #expect(error.message.contains(directory.file("blocker")))
    }
}
