import NIOCore
import Testing

@testable import Binlog

@Suite struct GeoJSONTests {
    static func littleEndian(_ value: Double) -> [UInt8] {
        BinaryJSONBuilder.littleEndian(value.bitPattern)
    }

    static func bigEndian(_ value: Double) -> [UInt8] {
        Self.littleEndian(value).reversed()
    }

    private func header(_ type: UInt32, bigEndian: Bool = false) -> [UInt8] {
        bigEndian ? [0x00] + BinaryJSONBuilder.littleEndian(type).reversed() : [0x01] + BinaryJSONBuilder.littleEndian(type)
    }

    private func count(_ value: UInt32, bigEndian: Bool = false) -> [UInt8] {
        bigEndian ? BinaryJSONBuilder.littleEndian(value).reversed() : BinaryJSONBuilder.littleEndian(value)
    }

    private func points(_ coordinates: [(Double, Double)], bigEndian: Bool = false) -> [UInt8] {
        coordinates.flatMap { x, y in
            bigEndian ? Self.bigEndian(x) + Self.bigEndian(y) : Self.littleEndian(x) + Self.littleEndian(y)
        }
    }

    private func render(_ wkb: [UInt8], srid: UInt32 = 0) throws(BinlogError) -> String {
        var buffer = ByteBuffer()
        try GeoJSON.render(wkb: wkb, srid: srid, into: &buffer)
        return String(buffer: buffer)
    }

    @Test func point() throws {
        #expect(try self.render(self.header(1) + self.points([(1, 2)])) == #"{"type":"Point","coordinates":[1.0,2.0]}"#)
    }

    @Test func bigEndianPointWithSRID() throws {
        let wkb = self.header(1, bigEndian: true) + self.points([(-122.4194, 37.7749)], bigEndian: true)
        #expect(
            try self.render(wkb, srid: 4326)
                == #"{"type":"Point","coordinates":[-122.4194,37.7749],"crs":{"type":"name","properties":{"name":"EPSG:4326"}}}"#
        )
    }

    @Test func lineString() throws {
        let wkb = self.header(2) + self.count(2) + self.points([(0, 0), (0.1, 1e-7)])
        #expect(try self.render(wkb) == #"{"type":"LineString","coordinates":[[0.0,0.0],[0.1,1e-07]]}"#)
    }

    @Test func polygonWithHole() throws {
        let outer = self.count(4) + self.points([(0, 0), (10, 0), (0, 10), (0, 0)])
        let hole = self.count(4) + self.points([(1, 1), (2, 1), (1, 2), (1, 1)])
        #expect(
            try self.render(self.header(3) + self.count(2) + outer + hole)
                == #"{"type":"Polygon","coordinates":[[[0.0,0.0],[10.0,0.0],[0.0,10.0],[0.0,0.0]],[[1.0,1.0],[2.0,1.0],[1.0,2.0],[1.0,1.0]]]}"#
        )
    }

    @Test func multiPointWithMixedByteOrders() throws {
        let wkb =
            self.header(4) + self.count(2) + self.header(1) + self.points([(1, 2)])
            + self.header(1, bigEndian: true) + self.points([(3, 4)], bigEndian: true)
        #expect(try self.render(wkb) == #"{"type":"MultiPoint","coordinates":[[1.0,2.0],[3.0,4.0]]}"#)
    }

    @Test func multiLineString() throws {
        let wkb =
            self.header(5, bigEndian: true) + self.count(2, bigEndian: true)
            + self.header(2) + self.count(2) + self.points([(0, 0), (1, 1)])
            + self.header(2, bigEndian: true) + self.count(1, bigEndian: true) + self.points([(5, 5)], bigEndian: true)
        #expect(try self.render(wkb) == #"{"type":"MultiLineString","coordinates":[[[0.0,0.0],[1.0,1.0]],[[5.0,5.0]]]}"#)
    }

    @Test func multiPolygon() throws {
        let triangle = self.count(1) + self.count(4) + self.points([(0, 0), (1, 0), (0, 1), (0, 0)])
        let wkb = self.header(6) + self.count(2) + self.header(3) + triangle + self.header(3) + self.count(0)
        #expect(
            try self.render(wkb)
                == #"{"type":"MultiPolygon","coordinates":[[[[0.0,0.0],[1.0,0.0],[0.0,1.0],[0.0,0.0]]],[]]}"#
        )
    }

    @Test func nestedGeometryCollection() throws {
        let inner = self.header(7) + self.count(1) + self.header(1) + self.points([(2, 3)])
        let wkb = self.header(7) + self.count(2) + self.header(2) + self.count(0) + inner
        #expect(
            try self.render(wkb, srid: 3857)
                == #"{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[]},{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[2.0,3.0]}]}],"crs":{"type":"name","properties":{"name":"EPSG:3857"}}}"#
        )
    }

    @Test func malformedWKBThrowsAndLeavesTheBufferAlone() {
        let point = self.header(1) + self.points([(1, 2)])
        let cases: [[UInt8]] = [
            [],
            Array(point.dropLast()),  // truncated
            point + [0x00],  // trailing bytes
            [0x02] + point.dropFirst(),  // bad byte order
            self.header(8) + self.points([(1, 2)]),  // unknown type
            self.header(1001) + self.points([(1, 2)]),  // Z variants are not MySQL's
            self.header(1) + Self.littleEndian(.nan) + Self.littleEndian(0),
            self.header(4) + self.count(1) + self.header(2) + self.count(0),  // MultiPoint holding a LineString
            self.header(2) + self.count(1_000_000) + self.points([(1, 2)]),  // count past the end
            (0..<101).flatMap { _ in self.header(7) + self.count(1) } + point,  // nested too deep
        ]
        for wkb in cases {
            var buffer = ByteBuffer(string: "prefix")
            #expect(throws: BinlogError.self, "\(wkb)") { try GeoJSON.render(wkb: wkb, srid: 4326, into: &buffer) }
            #expect(String(buffer: buffer) == "prefix")
        }
    }
}
