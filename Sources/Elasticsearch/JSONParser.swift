/// A recursive-descent parser for RFC 8259 JSON text.
struct JSONParser {
    /// Deeper nesting is refused, so a hostile or broken reply cannot exhaust the stack.
    static let maximumDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParsingError) -> JSON {
        let value = try self.parseValue(depth: 0)
        self.skipWhitespace()
        guard self.offset == self.bytes.count else { throw self.error("unexpected text after the value") }
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONParsingError) -> JSON {
        guard depth < Self.maximumDepth else { throw self.error("nested deeper than \(Self.maximumDepth) levels") }
        self.skipWhitespace()
        guard let byte = self.peek() else { throw self.error("unexpected end of text") }
        switch byte {
        case UInt8(ascii: "{"): return try self.parseObject(depth: depth)
        case UInt8(ascii: "["): return try self.parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): return try self.parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try self.parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try self.parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.parseNumber()
        default: throw self.error("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParsingError) -> JSON {
        self.offset += 1
        var members: [(key: String, value: JSON)] = []
        self.skipWhitespace()
        if self.peek() == UInt8(ascii: "}") {
            self.offset += 1
            return .object(members)
        }
        while true {
            self.skipWhitespace()
            guard self.peek() == UInt8(ascii: "\"") else { throw self.error("expected a member name") }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.peek() == UInt8(ascii: ":") else { throw self.error("expected ':'") }
            self.offset += 1
            members.append((key, try self.parseValue(depth: depth + 1)))
            self.skipWhitespace()
            switch self.peek() {
            case UInt8(ascii: ","): self.offset += 1
            case UInt8(ascii: "}"):
                self.offset += 1
                return .object(members)
            default: throw self.error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParsingError) -> JSON {
        self.offset += 1
        var elements: [JSON] = []
        self.skipWhitespace()
        if self.peek() == UInt8(ascii: "]") {
            self.offset += 1
            return .array(elements)
        }
        while true {
            elements.append(try self.parseValue(depth: depth + 1))
            self.skipWhitespace()
            switch self.peek() {
            case UInt8(ascii: ","): self.offset += 1
            case UInt8(ascii: "]"):
                self.offset += 1
                return .array(elements)
            default: throw self.error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseLiteral(_ text: String, _ value: JSON) throws(JSONParsingError) -> JSON {
        for expected in text.utf8 {
            guard self.peek() == expected else { throw self.error("unexpected character") }
            self.offset += 1
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as text.
    private mutating func parseNumber() throws(JSONParsingError) -> JSON {
        let start = self.offset
        if self.peek() == UInt8(ascii: "-") { self.offset += 1 }
        if self.peek() == UInt8(ascii: "0") {
            self.offset += 1
        } else {
            guard self.skipDigits() > 0 else { throw self.error("expected a digit") }
        }
        if self.peek() == UInt8(ascii: ".") {
            self.offset += 1
            guard self.skipDigits() > 0 else { throw self.error("expected a digit after '.'") }
        }
        if self.peek() == UInt8(ascii: "e") || self.peek() == UInt8(ascii: "E") {
            self.offset += 1
            if self.peek() == UInt8(ascii: "+") || self.peek() == UInt8(ascii: "-") { self.offset += 1 }
            guard self.skipDigits() > 0 else { throw self.error("expected a digit in the exponent") }
        }
        return .number(String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.offset]), as: UTF8.self))
    }

    private mutating func skipDigits() -> Int {
        let start = self.offset
        while let byte = self.peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { self.offset += 1 }
        return self.offset - start
    }

    private mutating func parseString() throws(JSONParsingError) -> String {
        self.offset += 1
        let start = self.offset
        // Most strings have no escapes: decode them straight from the input.
        while let byte = self.peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw self.error("unescaped control character in a string") }
            self.offset += 1
        }
        guard let stop = self.peek() else { throw self.error("unterminated string") }
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.offset]))
        if stop == UInt8(ascii: "\"") {
            self.offset += 1
            return String(decoding: utf8, as: UTF8.self)
        }
        while true {
            guard let byte = self.peek() else { throw self.error("unterminated string") }
            self.offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try self.parseEscape(into: &utf8)
            case ..<0x20:
                self.offset -= 1
                throw self.error("unescaped control character in a string")
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONParsingError) {
        guard let byte = self.peek() else { throw self.error("unterminated string") }
        self.offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try self.parseHex4())
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate counts only with the low surrogate escape right after it.
                let mark = self.offset
                if self.peek() == UInt8(ascii: "\\"), self.peek(at: 1) == UInt8(ascii: "u") {
                    self.offset += 2
                    let low = UInt32(try self.parseHex4())
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        self.offset = mark
                    }
                }
            }
            // Lone surrogates have no UTF-8 form; they become U+FFFD, as String(decoding:) does.
            utf8.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
        default:
            self.offset -= 1
            throw self.error("unknown escape")
        }
    }

    private mutating func parseHex4() throws(JSONParsingError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = self.peek() else { throw self.error("unterminated \\u escape") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.error("expected a hex digit")
            }
            value = value << 4 | UInt16(digit)
            self.offset += 1
        }
        return value
    }

    private mutating func skipWhitespace() {
        while let byte = self.peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
        {
            self.offset += 1
        }
    }

    private func peek(at distance: Int = 0) -> UInt8? {
        let index = self.offset + distance
        return index < self.bytes.count ? self.bytes[index] : nil
    }

    private func error(_ message: String) -> JSONParsingError {
        JSONParsingError(message, at: self.offset)
    }
}
