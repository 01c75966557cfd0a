import NIOCore

/// Renders MySQL geometries as GeoJSON (RFC 7946).
///
/// Coordinates are written in stored order, `[x, y]`. MySQL stores geographic coordinates as
/// longitude, latitude whatever the axis order of their SRS, which is the order GeoJSON wants.
public enum GeoJSON {
    /// Nesting limit for geometry collections, so crafted input cannot exhaust the stack.
    static let maximumDepth = 100

    /// Appends the GeoJSON object for a geometry given as well-known binary.
    ///
    /// A non-zero `srid` adds `"crs":{"type":"name","properties":{"name":"EPSG:<srid>"}}`, as MySQL's
    /// `ST_AsGeoJSON` does when asked for it; Elasticsearch and OpenSearch skip that member.
    ///
    /// - Throws: `.malformed` for truncated WKB, trailing bytes, unknown or mismatched geometry types,
    ///   non-finite coordinates or nesting deeper than ``maximumDepth``. The buffer is then left as
    ///   it was.
    public static func render(wkb: [UInt8], srid: UInt32, into buffer: inout ByteBuffer) throws(BinlogError) {
        let start = buffer.writerIndex
        do throws(BinlogError) {
            var reader = WKBReader(bytes: wkb)
            try Self.writeGeometry(from: &reader, srid: srid, depth: 0, into: &buffer)
            guard reader.isAtEnd else { throw WKBReader.malformed("trailing bytes", at: reader.offset) }
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    private static func writeGeometry(
        from reader: inout WKBReader,
        srid: UInt32,
        depth: Int,
        into buffer: inout ByteBuffer
    ) throws(BinlogError) {
        let headerOffset = reader.offset
        let (type, bigEndian) = try reader.header()
        buffer.writeStaticString(#"{"type":"#)
        switch type {
        case 1:
            buffer.writeStaticString(#""Point","coordinates":"#)
            try Self.writePosition(from: &reader, bigEndian: bigEndian, into: &buffer)
        case 2:
            buffer.writeStaticString(#""LineString","coordinates":"#)
            try Self.writePositions(from: &reader, bigEndian: bigEndian, into: &buffer)
        case 3:
            buffer.writeStaticString(#""Polygon","coordinates":"#)
            try Self.writeRings(from: &reader, bigEndian: bigEndian, into: &buffer)
        case 4:
            buffer.writeStaticString(#""MultiPoint","coordinates":"#)
            try Self.writeMembers(of: 1, from: &reader, bigEndian: bigEndian, into: &buffer) { reader, memberOrder, buffer throws(BinlogError) in
                try Self.writePosition(from: &reader, bigEndian: memberOrder, into: &buffer)
            }
        case 5:
            buffer.writeStaticString(#""MultiLineString","coordinates":"#)
            try Self.writeMembers(of: 2, from: &reader, bigEndian: bigEndian, into: &buffer) { reader, memberOrder, buffer throws(BinlogError) in
                try Self.writePositions(from: &reader, bigEndian: memberOrder, into: &buffer)
            }
        case 6:
            buffer.writeStaticString(#""MultiPolygon","coordinates":"#)
            try Self.writeMembers(of: 3, from: &reader, bigEndian: bigEndian, into: &buffer) { reader, memberOrder, buffer throws(BinlogError) in
                try Self.writeRings(from: &reader, bigEndian: memberOrder, into: &buffer)
            }
        case 7:
            guard depth < Self.maximumDepth else {
                throw WKBReader.malformed("collections nested deeper than \(Self.maximumDepth)", at: headerOffset)
            }
            buffer.writeStaticString(#""GeometryCollection","geometries":["#)
            let count = try reader.uint32(bigEndian: bigEndian)
            for index in 0..<count {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                try Self.writeGeometry(from: &reader, srid: 0, depth: depth + 1, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        default:
            throw WKBReader.malformed("unsupported geometry type \(type)", at: headerOffset)
        }
        if srid != 0 {
            buffer.writeStaticString(#","crs":{"type":"name","properties":{"name":"EPSG:"#)
            buffer.writeJSONNumber(UInt64(srid))
            buffer.writeStaticString(#""}}"#)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// `[x,y]`
    private static func writePosition(from reader: inout WKBReader, bigEndian: Bool, into buffer: inout ByteBuffer) throws(BinlogError) {
        buffer.writeInteger(UInt8(ascii: "["))
        buffer.writeJSONNumber(try reader.coordinate(bigEndian: bigEndian))
        buffer.writeInteger(UInt8(ascii: ","))
        buffer.writeJSONNumber(try reader.coordinate(bigEndian: bigEndian))
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// A count, then that many positions: `[[x,y],…]`.
    private static func writePositions(from reader: inout WKBReader, bigEndian: Bool, into buffer: inout ByteBuffer) throws(BinlogError) {
        let count = try reader.uint32(bigEndian: bigEndian)
        buffer.writeInteger(UInt8(ascii: "["))
        for index in 0..<count {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            try Self.writePosition(from: &reader, bigEndian: bigEndian, into: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// A count, then that many rings of positions: `[[[x,y],…],…]`.
    private static func writeRings(from reader: inout WKBReader, bigEndian: Bool, into buffer: inout ByteBuffer) throws(BinlogError) {
        let count = try reader.uint32(bigEndian: bigEndian)
        buffer.writeInteger(UInt8(ascii: "["))
        for index in 0..<count {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            try Self.writePositions(from: &reader, bigEndian: bigEndian, into: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// A count, then that many whole WKB geometries of `memberType`, each with its own header.
    private static func writeMembers(
        of memberType: UInt32,
        from reader: inout WKBReader,
        bigEndian: Bool,
        into buffer: inout ByteBuffer,
        writeCoordinates: (inout WKBReader, Bool, inout ByteBuffer) throws(BinlogError) -> Void
    ) throws(BinlogError) {
        let count = try reader.uint32(bigEndian: bigEndian)
        buffer.writeInteger(UInt8(ascii: "["))
        for index in 0..<count {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            let memberOrder = try reader.header(expecting: memberType)
            try writeCoordinates(&reader, memberOrder, &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "]"))
    }
}
