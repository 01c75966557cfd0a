import Binlog
import NIOCore
import Testing

@testable import Elasticsearch

@Suite struct IndexMappingTests {
    static let elasticsearch8 = ServerInfo(name: "n", clusterName: "c", distribution: .elasticsearch, version: "8.15.1")
    static let opensearch2 = ServerInfo(name: "n", clusterName: "c", distribution: .opensearch, version: "2.17.0")

    private func mapping(_ column: ColumnDescriptor, _ server: ServerInfo = Self.elasticsearch8) -> FieldMapping? {
        IndexMapping.mapping(for: column, server: server)
    }

    @Test func integers() {
        for type in [ColumnType.tiny, .short, .int24, .long, .longlong] {
            #expect(self.mapping(ColumnDescriptor(type: type)) == .long)
        }
        for type in [ColumnType.tiny, .short, .int24, .long] {
            #expect(self.mapping(ColumnDescriptor(type: type, isUnsigned: true)) == .long)
        }
        #expect(self.mapping(ColumnDescriptor(type: .longlong, isUnsigned: true)) == .unsignedLong)
        #expect(self.mapping(ColumnDescriptor(type: .longlong, isUnsigned: true), Self.opensearch2) == .unsignedLong)
        let older = ServerInfo(name: "n", clusterName: "c", distribution: .opensearch, version: "2.7.0")
        #expect(self.mapping(ColumnDescriptor(type: .longlong, isUnsigned: true), older) == .double)
        let es79 = ServerInfo(name: "n", clusterName: "c", distribution: .elasticsearch, version: "7.9.3")
        #expect(self.mapping(ColumnDescriptor(type: .longlong, isUnsigned: true), es79) == .double)
        #expect(self.mapping(ColumnDescriptor(type: .year)) == .short)
        #expect(self.mapping(ColumnDescriptor(type: .bit, metadata: 1)) == .long)
        #expect(self.mapping(ColumnDescriptor(type: .bit, metadata: 63)) == .long)
        #expect(self.mapping(ColumnDescriptor(type: .bit, metadata: 64)) == .unsignedLong)
    }

    @Test func floatsAndDecimals() {
        #expect(self.mapping(ColumnDescriptor(type: .float)) == .float)
        #expect(self.mapping(ColumnDescriptor(type: .double)) == .double)
        func decimal(_ precision: UInt16, _ scale: UInt16) -> FieldMapping? {
            self.mapping(ColumnDescriptor(type: .newdecimal, metadata: precision << 8 | scale))
        }
        #expect(decimal(12, 4) == .scaledFloat(scalingFactor: 10_000))
        #expect(decimal(15, 15) == .scaledFloat(scalingFactor: 1_000_000_000_000_000))
        #expect(decimal(10, 0) == .long)
        #expect(decimal(18, 0) == .long)
        #expect(decimal(19, 0) == .double)
        #expect(decimal(16, 2) == .double)
        #expect(decimal(65, 30) == .double)
        #expect(self.mapping(ColumnDescriptor(type: .decimal)) == .double)
    }

    @Test func temporal() {
        #expect(self.mapping(ColumnDescriptor(type: .date)) == .date(format: "strict_date"))
        #expect(self.mapping(ColumnDescriptor(type: .newdate)) == .date(format: "strict_date"))
        for type in [ColumnType.datetime, .datetime2, .timestamp, .timestamp2] {
            #expect(self.mapping(ColumnDescriptor(type: type, metadata: 6)) == .date(format: "strict_date_optional_time"))
        }
        #expect(self.mapping(ColumnDescriptor(type: .time2, metadata: 3)) == .keyword)
        #expect(self.mapping(ColumnDescriptor(type: .time)) == .keyword)
    }

    @Test func stringsAndBytes() {
        for type in [ColumnType.varchar, .varString, .string, .blob, .tinyBlob, .mediumBlob, .longBlob] {
            #expect(self.mapping(ColumnDescriptor(type: type, collation: 45)) == .text)
            #expect(self.mapping(ColumnDescriptor(type: type, collation: 63)) == .binary)
        }
        // Without a collation, a BLOB-family column is decoded as bytes and a VARCHAR as text.
        #expect(self.mapping(ColumnDescriptor(type: .blob)) == .binary)
        #expect(self.mapping(ColumnDescriptor(type: .varchar)) == .text)
        #expect(self.mapping(ColumnDescriptor(type: .enum, enumLabels: ["a"])) == .keyword)
        #expect(self.mapping(ColumnDescriptor(type: .set, setLabels: ["a"])) == .keyword)
    }

    @Test func jsonGeometryAndVectors() {
        #expect(self.mapping(ColumnDescriptor(type: .json)) == .unindexed)
        #expect(self.mapping(ColumnDescriptor(type: .longBlob, collation: 45, isJSONText: true)) == .unindexed)
        #expect(self.mapping(ColumnDescriptor(type: .geometry)) == .geoShape)
        #expect(self.mapping(ColumnDescriptor(type: .vector, vectorDimension: 3)) == .denseVector(dimensions: 3))
        #expect(self.mapping(ColumnDescriptor(type: .vector, vectorDimension: 3), Self.opensearch2) == .knnVector(dimension: 3))
        #expect(self.mapping(ColumnDescriptor(type: .vector)) == nil)
        #expect(self.mapping(ColumnDescriptor(type: .vector, vectorDimension: 4097)) == nil)
        #expect(self.mapping(ColumnDescriptor(type: .vector, vectorDimension: 16000), Self.opensearch2) == .knnVector(dimension: 16000))
        #expect(self.mapping(ColumnDescriptor(type: .null)) == nil)
    }

    /// The reference table bench.t10, rendered as the body of ensureIndex.
    @Test func renderedProperties() {
        let columns: [(name: String, column: ColumnDescriptor)] = [
            ("id", ColumnDescriptor(type: .longlong)),
            ("a", ColumnDescriptor(type: .long)),
            ("c", ColumnDescriptor(type: .varchar, metadata: 256, collation: 45)),
            ("d", ColumnDescriptor(type: .newdecimal, metadata: 12 << 8 | 4)),
            ("e", ColumnDescriptor(type: .datetime2, metadata: 6)),
            ("g", ColumnDescriptor(type: .tiny, isUnsigned: true)),
            ("i", ColumnDescriptor(type: .date)),
            ("j", ColumnDescriptor(type: .json)),
            ("v", ColumnDescriptor(type: .vector, vectorDimension: 2)),
            ("q\"", ColumnDescriptor(type: .null)),
        ]
        let json = String(buffer: IndexMapping(columns: columns, server: Self.opensearch2).json)
        #expect(
            json == #"{"properties":{"id":{"type":"long"},"a":{"type":"long"},"#
                + #""c":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}},"#
                + #""d":{"type":"scaled_float","scaling_factor":10000},"#
                + #""e":{"type":"date","format":"strict_date_optional_time"},"g":{"type":"long"},"#
                + #""i":{"type":"date","format":"strict_date"},"j":{"type":"object","enabled":false},"#
                + #""v":{"type":"knn_vector","dimension":2}}}"#
        )
        #expect(throws: Never.self) { try JSON(parsing: IndexMapping(columns: columns, server: Self.elasticsearch8).json) }
    }

    @Test func everyFieldMappingRendersAsJSON() throws {
        let all: [FieldMapping] = [
            .long, .unsignedLong, .short, .float, .double, .scaledFloat(scalingFactor: 100), .date(format: "strict_date"),
            .keyword, .text, .binary, .unindexed, .geoShape, .denseVector(dimensions: 3), .knnVector(dimension: 3),
        ]
        for mapping in all {
            var buffer = ByteBuffer()
            mapping.write(into: &buffer)
            #expect(try JSON(parsing: buffer)["type"]?.stringValue != nil, "\(mapping)")
        }
    }
}
