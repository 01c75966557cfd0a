extension String {
    /// Calls `body` with the string's UTF-8 bytes, in place when the string is native.
    ///
    /// `withUTF8` is mutating, so calling it on a value the caller only borrows copies the string
    /// first: a retain and a release for each string written (measured: a large share of the
    /// reference counting of writing a row as JSON).
    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        var string = self
        return string.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
