import Positions
import Testing

@Suite struct MemoryPositionStoreTests {
    @Test func keepsTheLastSavedPositionUntilRemoved() async throws {
        let store = MemoryPositionStore()
        #expect(await store.load() == nil)
        let first = SavedPosition(file: "binlog.000001", offset: 4, timestamp: 1)
        let second = SavedPosition(file: "binlog.000002", offset: 120, gtidSet: "0-1-7", timestamp: 2)
        await store.save(first)
        await store.save(second)
        #expect(await store.load() == second)
        await store.remove()
        #expect(await store.load() == nil)
        #expect(store.description.hasPrefix("memory"))
    }

    @Test func worksThroughTheProtocol() async throws {
        let store: any PositionStore = MemoryPositionStore(SavedPosition(file: "binlog.000001", offset: 4, timestamp: 1))
        #expect(try await store.load()?.offset == 4)
        try await store.remove()
        #expect(try await store.load() == nil)
    }
}
