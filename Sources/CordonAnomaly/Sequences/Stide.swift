// stide (Forrest, Hofmeyr, Somayaji and Longstaff 1996): the set of every window of `width`
// consecutive tokens seen in normal traces; a trace's score is the fraction of its windows
// never seen. The literature's reference point, kept here so benchmarks compare against it on
// the same split (cordon-bench anomaly).

public struct Stide: Sendable {
    public let width: Int
    var windows: Set<[Int32]> = []

    public init(width: Int = 6) {
        precondition(width >= 1)
        self.width = width
    }

    /// A trace shorter than the window counts as one window (itself).
    func windows(of tokens: [Int32]) -> [ArraySlice<Int32>] {
        guard tokens.count >= width else { return [tokens[...]] }
        return (0...(tokens.count - width)).map { tokens[$0..<($0 + width)] }
    }

    public mutating func add(_ tokens: [Int32]) {
        for w in windows(of: tokens) { windows.insert(Array(w)) }
    }

    /// Fraction of windows never seen in training, 0...1.
    public func score(_ tokens: [Int32]) -> Double {
        let ws = windows(of: tokens)
        guard !ws.isEmpty else { return 0 }
        var unseen = 0
        for w in ws where !windows.contains(Array(w)) { unseen += 1 }
        return Double(unseen) / Double(ws.count)
    }

    public var count: Int { windows.count }
}
