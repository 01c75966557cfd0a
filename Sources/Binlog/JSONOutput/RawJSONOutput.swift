import NIOCore

/// A cursor that writes JSON text straight into a buffer's writable bytes.
///
/// Each `ByteBuffer` write call checks uniqueness, capacity and exclusive access, and those checks
/// cost more than the bytes when a document is written a few bytes at a time (measured: most of the
/// time of writing a row change as a JSON line). Writers reserve a bound once with
/// `ByteBuffer.writeJSONOutput(capacity:_:)` and put all of a value's, or a whole document's, bytes
/// through this instead. Every put checks that it stays within the bound: one that does not fit
/// puts nothing and marks the output `overflowed`.
public struct RawJSONOutput {
    // Usable from inline code, so that the small puts below are inlined into writers in other
    // modules: called, they cost more than the bytes they put (measured).
    @usableFromInline let base: UnsafeMutableRawBufferPointer
    @usableFromInline var written = 0

    /// How many bytes have been put.
    public var count: Int { written }

    /// Whether a put did not fit, or a value could not be put this way; what was put is then
    /// incomplete. `ByteBuffer.writeJSONOutput(capacity:_:)` stops the program on it,
    /// `ByteBuffer.writeJSONOutputIfItFits(_:)` writes nothing.
    public private(set) var overflowed = false

    /// Marks the output `overflowed`.
    @usableFromInline
    mutating func overflow() {
        self.overflowed = true
    }

    @usableFromInline
    init(base: UnsafeMutableRawBufferPointer) {
        self.base = base
    }

    /// The most a JSON number from an integer of up to 64 bits takes.
    public static let integerBound = 20
    /// The most a finite `Double` or `Float` takes as the shortest text that reads back the same
    /// (`-2.2250738585072014e-308` is 24 characters), or `null`.
    public static let floatingPointBound = 32

    /// At most how many bytes `putJSONString(_:)` puts for `string`: six a byte (`\u00XX`) and the
    /// quotes, which is quick to work out; exact for long strings, so a large text does not reserve
    /// six times its size.
    public static func jsonStringBound(_ string: String) -> Int {
        let count = string.utf8.count
        guard count > longString else { return 6 * count + 2 }
        return string.withUTF8Bytes { jsonStringBound(utf8: $0) }
    }

    /// At most how many bytes `putJSONString(utf8:)` puts for `bytes`; see `jsonStringBound(_:)`.
    public static func jsonStringBound(utf8 bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count > longString else { return 6 * bytes.count + 2 }
        let first = JSONEscaping.firstByteNeedingEscape(in: bytes, from: 0)
        return bytes.count + 2 + (first == bytes.count ? 0 : JSONEscaping.extraEscapedBytes(in: bytes, from: first))
    }

    /// Above this many bytes a string's bound is worked out exactly.
    private static let longString = 1024

    @inlinable @inline(__always)
    public mutating func put(_ byte: UInt8) {
        guard self.written < self.base.count else { return self.overflow() }
        self.base[self.written] = byte
        self.written &+= 1
    }

    @inlinable @inline(__always)
    public mutating func put(contentsOf bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let count = bytes.count
        guard count <= self.base.count &- self.written else { return self.overflow() }
        let destination = self.base.baseAddress! + self.written
        // Most pieces are member names and punctuation of a few bytes, for which calling memcpy
        // cost more than the copy (measured): up to 16 bytes go as two overlapping words.
        if count >= 8, count <= 16 {
            Self.copyWords(UInt64.self, from: source, to: destination, count: count)
        } else if count >= 4, count < 8 {
            Self.copyWords(UInt32.self, from: source, to: destination, count: count)
        } else {
            destination.copyMemory(from: source, byteCount: count)
        }
        self.written &+= count
    }

    /// Copies `count` bytes, at least one `Word` and at most two, as the first and the last word.
    @inlinable @inline(__always)
    static func copyWords<Word: FixedWidthInteger>(
        _: Word.Type, from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, count: Int
    ) {
        let tail = count &- MemoryLayout<Word>.size
        let first = source.loadUnaligned(as: Word.self)
        let last = source.loadUnaligned(fromByteOffset: tail, as: Word.self)
        destination.storeBytes(of: first, as: Word.self)
        destination.storeBytes(of: last, toByteOffset: tail, as: Word.self)
    }

    /// Puts ASCII text as it is (punctuation, member names known to need no escaping).
    @inlinable @inline(__always)
    public mutating func put(_ text: StaticString) {
        self.put(contentsOf: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Puts `string` as a quoted JSON string, escaped as `ByteBuffer.writeJSONString(_:)` says; it
    /// takes at most `jsonStringBound(string)` bytes.
    public mutating func putJSONString(_ string: String) {
        string.withUTF8Bytes { self.putJSONString(utf8: $0) }
    }

    /// Puts UTF-8 bytes as a quoted JSON string; they are not validated.
    public mutating func putJSONString(utf8 bytes: UnsafeRawBufferPointer) {
        let firstEscape = JSONEscaping.firstByteNeedingEscape(in: bytes, from: 0)
        self.put(UInt8(ascii: "\""))
        if firstEscape == bytes.count {
            self.put(contentsOf: bytes)
        } else {
            self.putEscaped(bytes, firstEscape: firstEscape)
        }
        self.put(UInt8(ascii: "\""))
    }

    /// Puts a signed integer exactly, in decimal.
    public mutating func putJSONNumber(_ value: Int64) {
        if value < 0 { self.put(UInt8(ascii: "-")) }
        self.put(value.magnitude)
    }

    /// Puts an unsigned integer exactly, in decimal.
    public mutating func putJSONNumber(_ value: UInt64) {
        self.put(value)
    }

    /// Puts a double as the shortest decimal that parses back to the same value; NaN and the
    /// infinities, which JSON lacks, as `null`.
    public mutating func putJSONNumber(_ value: Double) {
        guard value.isFinite else { return self.put("null") }
        // Swift's description is the shortest round-tripping form and is always valid JSON
        // (`0.1`, `1e-05`, `1.7976931348623157e+308`).
        self.putDescription(of: value)
    }

    /// Puts a float as the shortest decimal that parses back to the same `Float`; printing it via
    /// `Double` would show binary noise (`1.100000023841858` for `1.1`).
    public mutating func putJSONNumber(_ value: Float) {
        guard value.isFinite else { return self.put("null") }
        self.putDescription(of: value)
    }

    /// Puts the text of `value.description` without making the String, which is on the heap once
    /// it is over 15 bytes, as most doubles are: `write(to:)` hands a number's text to the stream
    /// in one `_writeASCII` call.
    private mutating func putDescription(of value: some TextOutputStreamable) {
        var stream = Stream(output: self)
        value.write(to: &stream)
        self = stream.output
    }

    private struct Stream: TextOutputStream {
        var output: RawJSONOutput

        mutating func write(_ string: String) {
            string.withUTF8Bytes { output.put(contentsOf: $0) }
        }

        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
            output.put(contentsOf: UnsafeRawBufferPointer(buffer))
        }
    }

    /// Puts `value` in decimal, zero-padded to at least `minimumDigits` digits (at most 20 digits).
    ///
    /// Two digits at a time from a table, right to left: integers, dates and times are most of a
    /// row's text, and a division per digit was the largest cost of writing them (measured).
    mutating func put(_ value: UInt64, minimumDigits: Int = 1) {
        let digitCount = max(Self.decimalDigitCount(value), minimumDigits)
        guard digitCount <= self.base.count &- self.written else { return self.overflow() }
        var value = value
        var position = self.written &+ digitCount
        let pairs = UnsafeRawBufferPointer(start: Self.digitPairs.utf8Start, count: 200)
        while value >= 100 {
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: 100)
            position &-= 2
            self.base[position] = pairs[Int(remainder) &* 2]
            self.base[position &+ 1] = pairs[Int(remainder) &* 2 &+ 1]
            value = quotient
        }
        if value >= 10 {
            position &-= 2
            self.base[position] = pairs[Int(value) &* 2]
            self.base[position &+ 1] = pairs[Int(value) &* 2 &+ 1]
        } else {
            position &-= 1
            self.base[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)
        }
        while position > self.written {
            position &-= 1
            self.base[position] = UInt8(ascii: "0")
        }
        self.written &+= digitCount
    }

    /// Puts `value` as at least two digits: the fields of dates and times, which are below 100,
    /// take one table lookup rather than the general path.
    @inline(__always)
    mutating func putTwoDigits(_ value: UInt64) {
        guard value < 100, 2 <= self.base.count &- self.written else { return self.put(value, minimumDigits: 2) }
        let pairs = UnsafeRawBufferPointer(start: Self.digitPairs.utf8Start, count: 200)
        self.base[self.written] = pairs[Int(value) &* 2]
        self.base[self.written &+ 1] = pairs[Int(value) &* 2 &+ 1]
        self.written &+= 2
    }

    /// `00`, `01`, … `99`. (Literals, not computed: a computed table is initialized lazily and
    /// checked for that at every use.)
    private static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// 10^0 … 10^19.
    private static let powersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ]

    /// How many decimal digits `value` has (at least one).
    static func decimalDigitCount(_ value: UInt64) -> Int {
        // log10(2) ≈ 1233 / 4096 turns the bit length into the digit count or one less; one
        // comparison with a power of ten settles it.
        let estimate = ((64 &- value.leadingZeroBitCount) &* 1233) >> 12
        return max(estimate &+ (value >= powersOfTen[estimate] ? 1 : 0), 1)
    }

    /// Puts `YYYY-MM-DD`, the year zero-padded to four digits.
    public mutating func putCalendarDate(year: Int64, month: UInt8, day: UInt8) {
        if year < 0 { self.put(UInt8(ascii: "-")) }
        if year.magnitude < 10_000 {
            self.putTwoDigits(year.magnitude / 100)
            self.putTwoDigits(year.magnitude % 100)
        } else {
            self.put(year.magnitude, minimumDigits: 4)
        }
        self.put(UInt8(ascii: "-"))
        self.putTwoDigits(UInt64(month))
        self.put(UInt8(ascii: "-"))
        self.putTwoDigits(UInt64(day))
    }

    /// Puts `HH:MM:SS`, then `.` and the first `fractionDigits` (at most six) digits of the
    /// microseconds when `fractionDigits` is not zero. Hours take as many digits as they need, at least two.
    public mutating func putClockTime(hours: UInt64, minute: UInt8, second: UInt8, microsecond: UInt32, fractionDigits: UInt8) {
        self.putTwoDigits(hours)
        self.put(UInt8(ascii: ":"))
        self.putTwoDigits(UInt64(minute))
        self.put(UInt8(ascii: ":"))
        self.putTwoDigits(UInt64(second))
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
    /// Runs `body` over at least `capacity` writable bytes and commits what it put. Putting more
    /// than `capacity` bytes stops the program.
    @inlinable
    public mutating func writeJSONOutput(capacity: Int, _ body: (inout RawJSONOutput) -> Void) {
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { pointer in
            // Only `capacity` bytes, so an underestimated bound stops here whatever the buffer has spare.
            var output = RawJSONOutput(base: UnsafeMutableRawBufferPointer(rebasing: pointer[..<capacity]))
            body(&output)
            precondition(!output.overflowed, "JSON output beyond its reserved capacity")
            return output.count
        }
    }

    /// Runs `body` over the buffer's writable bytes, at least 4 KiB (a few rows' worth), and
    /// commits what it put if it all fitted; returns false, having written nothing, otherwise.
    ///
    /// For a writer whose exact bound costs about as much as the writing (a row, value by
    /// value): try in room that nearly always suffices, and work the bound out only when it did not.
    @inlinable
    public mutating func writeJSONOutputIfItFits(_ body: (inout RawJSONOutput) -> Void) -> Bool {
        var fitted = false
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: 4096) { pointer in
            var output = RawJSONOutput(base: pointer)
            body(&output)
            fitted = !output.overflowed
            return fitted ? output.count : 0
        }
        return fitted
    }
}
