// Names compared in `switch` statements: length first, then bytes.

/// A program or subcommand name for `switch` statements. Detectors switch over dozens of
/// string literals per program; comparing lengths first turns almost every case into one
/// integer compare instead of a call into the string runtime. Same answer as `==` for ASCII
/// case literals without K, `;` or a backquote (as `eq`). Figures: docs/benchmarks-gate.md.
struct Name {
    let value: String
    let count: Int
    @inline(__always) init(_ value: String) {
        self.value = value
        self.count = value.utf8.count
    }
}

@inline(__always) func ~= (pattern: String, name: Name) -> Bool {
    pattern.utf8.count == name.count && pattern == name.value
}
