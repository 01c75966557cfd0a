/// A JSON path as MySQL prints it in partial-update diffs (`Json_path::to_string`): `$`, then legs
/// `.name`, `."quoted name"` (JSON string escapes), `[n]`, `[last]` or `[last-n]`.
///
/// Diffs only ever address one exact location, so wildcards, `**` and ranges are rejected.
struct JSONPath: Equatable {
    enum Leg: Equatable {
        case member(String)
        /// Array cell `index`, counted from the start, or back from the last cell when `fromEnd`.
        case cell(index: Int, fromEnd: Bool)
    }

    var legs: [Leg]

    init(parsing text: String) throws(BinlogError) {
        var parser = Parser(bytes: Array(text.utf8), text: text)
        self.legs = try parser.legs()
    }

    /// Where a cell leg lands in an array of `count` elements, as MySQL's `Json_array_index` puts
    /// it: clamped to `0...count`, and whether it names an existing element.
    static func position(index: Int, fromEnd: Bool, count: Int) -> (position: Int, isWithinBounds: Bool) {
        let position = fromEnd ? (index < count ? count - index - 1 : 0) : min(index, count)
        return (position, index < count)
    }

    private struct Parser {
        let bytes: [UInt8]
        let text: String
        var offset = 0

        mutating func legs() throws(BinlogError) -> [Leg] {
            self.skipWhitespace()
            guard self.take(UInt8(ascii: "$")) else { throw self.malformed("it does not start with $") }
            var legs = [Leg]()
            while true {
                self.skipWhitespace()
                guard let byte = self.peek() else { return legs }
                self.offset += 1
                self.skipWhitespace()
                switch byte {
                case UInt8(ascii: "."): legs.append(.member(try self.memberName()))
                case UInt8(ascii: "["): legs.append(try self.cell())
                default: throw self.malformed("unexpected character")
                }
            }
        }

        private mutating func memberName() throws(BinlogError) -> String {
            if self.peek() == UInt8(ascii: "\"") { return try self.quotedName() }
            let start = self.offset
            while let byte = self.peek(), byte != UInt8(ascii: "."), byte != UInt8(ascii: "["), !Self.isWhitespace(byte) {
                guard byte != UInt8(ascii: "*") else { throw self.malformed("wildcards do not name one location") }
                self.offset += 1
            }
            guard self.offset > start else { throw self.malformed("empty member name") }
            return String(decoding: self.bytes[start..<self.offset], as: UTF8.self)
        }

        private mutating func cell() throws(BinlogError) -> Leg {
            let fromEnd = self.takeWord("last")
            var index = 0
            if fromEnd {
                self.skipWhitespace()
                if self.take(UInt8(ascii: "-")) {
                    self.skipWhitespace()
                    index = try self.number()
                }
            } else {
                index = try self.number()
            }
            self.skipWhitespace()
            guard self.take(UInt8(ascii: "]")) else { throw self.malformed("expected ] (ranges and wildcards do not name one location)") }
            return .cell(index: index, fromEnd: fromEnd)
        }

        private mutating func number() throws(BinlogError) -> Int {
            let start = self.offset
            var value = 0
            while let byte = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { throw self.malformed("array index too large") }
                value = sum
                self.offset += 1
            }
            guard self.offset > start else { throw self.malformed("expected an array index") }
            return value
        }

        /// A JSON string literal, escapes decoded.
        private mutating func quotedName() throws(BinlogError) -> String {
            self.offset += 1
            var name = [UInt8]()
            while true {
                guard let byte = self.peek() else { throw self.malformed("unterminated quoted name") }
                self.offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: name, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    try self.escape(into: &name)
                case 0..<0x20:
                    throw self.malformed("unescaped control character in quoted name")
                default:
                    name.append(byte)
                }
            }
        }

        private mutating func escape(into name: inout [UInt8]) throws(BinlogError) {
            guard let byte = self.peek() else { throw self.malformed("unterminated escape") }
            self.offset += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): name.append(byte)
            case UInt8(ascii: "b"): name.append(0x08)
            case UInt8(ascii: "f"): name.append(0x0C)
            case UInt8(ascii: "n"): name.append(0x0A)
            case UInt8(ascii: "r"): name.append(0x0D)
            case UInt8(ascii: "t"): name.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try self.hexQuad())
                if (0xD800..<0xDC00).contains(scalar) {
                    guard self.take(UInt8(ascii: "\\")), self.take(UInt8(ascii: "u")) else {
                        throw self.malformed("unpaired surrogate")
                    }
                    let low = UInt32(try self.hexQuad())
                    guard (0xDC00..<0xE000).contains(low) else { throw self.malformed("unpaired surrogate") }
                    scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw self.malformed("unpaired surrogate") }
                name.append(contentsOf: String(Character(unicode)).utf8)
            default:
                throw self.malformed("unknown escape")
            }
        }

        private mutating func hexQuad() throws(BinlogError) -> UInt16 {
            var value: UInt16 = 0
            for _ in 0..<4 {
                guard let byte = self.peek(), let digit = Self.hexValue(byte) else {
                    throw self.malformed("bad \\u escape")
                }
                value = value << 4 | UInt16(digit)
                self.offset += 1
            }
            return value
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        private static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        private func peek() -> UInt8? {
            self.offset < self.bytes.count ? self.bytes[self.offset] : nil
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard self.peek() == byte else { return false }
            self.offset += 1
            return true
        }

        private mutating func takeWord(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard self.bytes.count - self.offset >= count else { return false }
            let matches = word.withUTF8Buffer { self.bytes[self.offset..<self.offset + count].elementsEqual($0) }
            if matches { self.offset += count }
            return matches
        }

        private mutating func skipWhitespace() {
            while let byte = self.peek(), Self.isWhitespace(byte) { self.offset += 1 }
        }

        private func malformed(_ what: String) -> BinlogError {
            BinlogError(.malformed, "JSON path '\(self.text)': \(what) at character \(self.offset)")
        }
    }
}
