import ArgumentParser
import ChangeCapture
import Foundation
import Pipeline
import Positions

struct PositionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "position",
        abstract: "Show, set or remove the saved position, so nobody deletes files by hand.",
        subcommands: [Show.self, Set.self, Reset.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the saved position as JSON.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let store = try options.load().positions.makeStore()
            guard let position = try await store.load() else {
                print("no saved position in \(store): the next run starts from the configured start")
                return
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(position), as: UTF8.self))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a new position: latest, earliest, FILE:POS or gtid:SET (MariaDB GTIDs).",
            discussion: "latest and earliest are looked up on the configured source now."
        )
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "latest, earliest, FILE:POS or gtid:SET")
        var position: String

        func run() async throws {
            let configuration = try options.load()
            let start = try StartPosition(parsing: position)
            let resolved = try await PositionResolver(url: configuration.source.url, logger: options.logger()).resolve(start)
            let store = try configuration.positions.makeStore()
            try await store.save(SavedPosition(file: resolved.file, offset: resolved.offset, gtidSet: resolved.gtidSet, timestamp: 0))
            print("saved \(resolved) in \(store)")
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the saved position: the next run starts from the configured start (e.g. a new snapshot)."
        )
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let store = try options.load().positions.makeStore()
            try await store.remove()
            print("removed the saved position from \(store)")
        }
    }
}
