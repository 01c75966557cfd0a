import NIOCore

/// A cursor that writes JSON text straight into a buffer's writable bytes.
///
/// Each `ByteBuffer` write call checks uniqueness and capacity, and those checks cost more than the
/// bytes when a value is written a byte at a time. Writers reserve a bound once with
/// `ByteBuffer.writeJSONOutput(capacity:_:)` and put all of a value's bytes through this instead.
struct RawJSONOutput {
    private let base: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    fileprivate init(base: UnsafeMutableRawBufferPointer) {
        self.base = base
    }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        self.base[self.count] = byte
        self.count += 1
    }

    @inline(__always)
    mutating func put(contentsOf bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (self.base.baseAddress! + self.count).copyMemory(from: source, byteCount: bytes.count)
        self.count += bytes.count
    }

    /// Puts `value` in decimal, zero-padded to at least `minimumDigits` digits (at most 20 digits).
    mutating func put(_ value: UInt64, minimumDigits: Int = 1) {
        var digitCount = 1
        var rest = value / 10
        while rest != 0 {
            digitCount += 1
            rest /= 10
        }
        digitCount = max(digitCount, minimumDigits)
        var value = value
        for position in stride(from: self.count + digitCount - 1, through: self.count, by: -1) {
            self.base[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            value /= 10
        }
        self.count += digitCount
    }

    /// Puts `YYYY-MM-DD`, the year zero-padded to four digits.
    mutating func putCalendarDate(year: Int64, month: UInt8, day: UInt8) {
        if year < 0 { self.put(UInt8(ascii: "-")) }
        self.put(year.magnitude, minimumDigits: 4)
        self.put(UInt8(ascii: "-"))
        self.put(UInt64(month), minimumDigits: 2)
        self.put(UInt8(ascii: "-"))
        self.put(UInt64(day), minimumDigits: 2)
    }

    /// Puts `HH:MM:SS`, then `.` and the first `fractionDigits` (at most six) digits of the
    /// microseconds when `fractionDigits` is not zero. Hours take as many digits as they need, at least two.
    mutating func putClockTime(hours: UInt64, minute: UInt8, second: UInt8, microsecond: UInt32, fractionDigits: UInt8) {
        self.put(hours, minimumDigits: 2)
        self.put(UInt8(ascii: ":"))
        self.put(UInt64(minute), minimumDigits: 2)
        self.put(UInt8(ascii: ":"))
        self.put(UInt64(second), minimumDigits: 2)
        let digits = Int(min(fractionDigits, 6))
        guard digits > 0 else { return }
        var divisor: UInt32 = 1
        for _ in digits..<6 { divisor *= 10 }
        self.put(UInt8(ascii: "."))
        self.put(UInt64(microsecond / divisor), minimumDigits: digits)
    }

    /// Puts UTF-8 bytes with JSON escapes, given the index of the first byte that needs one.
    mutating func putEscaped(_ bytes: UnsafeRawBufferPointer, firstEscape: Int) {
        var runStart = 0
        var index = firstEscape
        while index < bytes.count {
            self.put(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
            self.putEscape(for: bytes[index])
            runStart = index + 1
            index = JSONEscaping.firstByteNeedingEscape(in: bytes, from: runStart)
        }
        self.put(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart...]))
    }

    private mutating func putEscape(for byte: UInt8) {
        self.put(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): self.put(byte)
        case UInt8(ascii: "\n"): self.put(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): self.put(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): self.put(UInt8(ascii: "t"))
        case 0x08: self.put(UInt8(ascii: "b"))
        case 0x0C: self.put(UInt8(ascii: "f"))
        default:
            self.put(UInt8(ascii: "u"))
            self.put(UInt8(ascii: "0"))
            self.put(UInt8(ascii: "0"))
            self.put(JSONEscaping.hexDigit(byte >> 4))
            self.put(JSONEscaping.hexDigit(byte & 0x0F))
        }
    }

    /// Puts base64 (standard alphabet, padded). With `escapedNewlineEvery`, a JSON-escaped newline
    /// (`\n`) goes between lines of that many characters, as MySQL's `base64_encode` output looks
    /// once printed inside a JSON string. ``Base64/encodedCount(of:escapedNewlineEvery:)`` is the size.
    mutating func putBase64(_ bytes: some Collection<UInt8>, escapedNewlineEvery lineLength: Int? = nil) {
        var lineUsed = 0
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            if let lineLength, lineUsed == lineLength {
                self.put(UInt8(ascii: "\\"))
                self.put(UInt8(ascii: "n"))
                lineUsed = 0
            }
            let second = iterator.next()
            let third = second == nil ? nil : iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            self.put(Base64.alphabet(group >> 18))
            self.put(Base64.alphabet(group >> 12))
            self.put(second == nil ? UInt8(ascii: "=") : Base64.alphabet(group >> 6))
            self.put(third == nil ? UInt8(ascii: "=") : Base64.alphabet(group))
            lineUsed += 4
        }
    }
}

extension ByteBuffer {
    /// Runs `body` over at least `capacity` writable bytes and commits what it put; `body` must not
    /// put more than `capacity` bytes.
    @inline(__always)
    mutating func writeJSONOutput(capacity: Int, _ body: (inout RawJSONOutput) -> Void) {
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { pointer in
            var output = RawJSONOutput(base: pointer)
            body(&output)
            return output.count
        }
    }
}
