/// An index template's `index_patterns` entry: `*` matches any run of characters, as in
/// Elasticsearch's `Regex.simpleMatch`.
struct IndexPattern: Sendable, Equatable {
    let pattern: String

    init(_ pattern: String) {
        self.pattern = pattern
    }

    func matches(_ name: String) -> Bool {
        let pattern = Array(self.pattern.utf8)
        let name = Array(name.utf8)
        var p = 0
        var n = 0
        // Where the last `*` was and how much of the name it has taken, for backtracking.
        var star: (pattern: Int, name: Int)?
        while n < name.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = (p, n)
                p += 1
            } else if p < pattern.count, pattern[p] == name[n] {
                p += 1
                n += 1
            } else if let last = star {
                star = (last.pattern, last.name + 1)
                p = last.pattern + 1
                n = last.name + 1
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
