// Research mode's second view of a trace: which tokens it uses at all, not in what order. A
// trace's distance is 1 - the cosine similarity of its token set to the nearest training
// trace's set (binary vectors: |A ∩ B| / sqrt(|A| |B|)). A process that makes system calls no
// normal process of its kind combines (a payload's socket + dup2 + execve inside a server) is
// far from every training trace even when each call, and most short windows, are common;
// the n-gram model, which judges windows, averages that away. On ADFA-LD the two views
// disagree often enough that their mean rank separates better than either (BENCHMARKS.md).
//
// Sets are bit sets over the model's vocabulary plus one bit for every unseen token; only
// distinct sets are kept (training traces of one program mostly share one), in sorted order
// so a model always encodes to the same text.

public struct TokenSets: Sendable, Equatable {
    /// 64-bit words per set: vocabulary + the unseen token.
    public private(set) var width: Int
    /// Distinct training sets, `width` words each, concatenated in ascending order.
    public private(set) var words: [UInt64]
    /// Bits set in each stored set.
    var sizes: [Int]

    public var count: Int { sizes.count }

    /// The distinct sets of `traces` (token ids below `vocabulary`; larger ids are unseen).
    public init(traces: [[Int32]], vocabulary: Int) {
        width = vocabulary / 64 + 1
        var distinct = Set<[UInt64]>()
        for t in traces { distinct.insert(Self.bits(t, vocabulary: vocabulary, width: width)) }
        words = []
        sizes = []
        for s in distinct.sorted(by: { a, b in a.lexicographicallyPrecedes(b) }) {
            words.append(contentsOf: s)
            sizes.append(s.reduce(0) { $0 + $1.nonzeroBitCount })
        }
    }

    /// Reads back `words` (for the model file); nil when the shape does not fit.
    public init?(width: Int, words: [UInt64]) {
        guard width >= 1, words.count % width == 0 else { return nil }
        self.width = width
        self.words = words
        sizes = stride(from: 0, to: words.count, by: width).map { start in
            words[start..<(start + width)].reduce(0) { $0 + $1.nonzeroBitCount }
        }
    }

    static func bits(_ tokens: [Int32], vocabulary: Int, width: Int) -> [UInt64] {
        var b = [UInt64](repeating: 0, count: width)
        for t in tokens {
            // Every unseen token is the one bit past the vocabulary.
            let i = t >= 0 && Int(t) < vocabulary ? Int(t) : vocabulary
            b[i >> 6] |= 1 << UInt64(i & 63)
        }
        return b
    }

    /// 0 (the same set as some training trace) ... 1 (nothing in common with any); 0 for an
    /// empty trace. `vocabulary` is the one the sets were made with.
    public func distance(_ tokens: [Int32], vocabulary: Int) -> Double {
        guard !tokens.isEmpty, !sizes.isEmpty else { return tokens.isEmpty ? 0 : 1 }
        let b = Self.bits(tokens, vocabulary: vocabulary, width: width)
        let nb = Double(b.reduce(0) { $0 + $1.nonzeroBitCount })
        var best = 0.0
        words.withUnsafeBufferPointer { all in
            for (j, size) in sizes.enumerated() {
                var common = 0
                let base = j * width
                for k in 0..<width { common += (all[base + k] & b[k]).nonzeroBitCount }
                let sim = Double(common) / (Double(size) * nb).squareRoot()
                if sim > best { best = sim }
            }
        }
        return max(0, 1 - best)
    }
}
