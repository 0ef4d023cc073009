// A smoothed n-gram language model over integer tokens: the detector core shared by agent runs
// (sequences of exec shapes) and research mode (system-call numbers). Probabilities use
// Witten-Bell interpolation: every order from the empty context up to `order - 1` previous
// tokens contributes, weighted by how much evidence its context has. A sequence's surprise
// is its mean negative log-probability per token.
//
// Contexts live in one trie keyed by the *reversed* context (previous token, the one before,
// ...), so one walk from the root visits every context length of a position in O(order)
// dictionary lookups, instead of O(order^2) for forward keys. Deterministic: counts only, no
// randomness, no floating-point state carried between sequences.

public struct NGramModel: Sendable, Equatable {
    /// Tokens of context plus one: an order-6 model predicts a token from the 5 before it.
    public let order: Int
    /// Per trie node (node 0 is the empty context): how many tokens followed this context, and
    /// how many distinct ones.
    var total: [Int32] = [0]
    var distinct: [Int32] = [0]
    /// (node << 24 | previous token) → the node of the one-longer context.
    var children: [UInt64: Int32] = [:]
    /// (node << 24 | next token) → how often it followed that context.
    var follows: [UInt64: Int32] = [:]
    /// Distinct tokens seen (the vocabulary the model knows).
    public internal(set) var vocabulary = 0
    var seen: Set<Int32> = []

    /// Tokens are non-negative and below 2^24 (a vocabulary; TokenVocabulary assigns them).
    public static let tokenLimit: Int32 = 1 << 24
    /// The pseudo-token before a sequence's first token.
    static let start: Int32 = (1 << 24) - 1

    public init(order: Int) {
        precondition(order >= 1 && order <= 32, "n-gram order must be 1...32")
        self.order = order
    }

    static func key(_ node: Int32, _ token: Int32) -> UInt64 { UInt64(UInt32(node)) << 24 | UInt64(UInt32(token)) }

    /// Counts every position of `tokens` (with the start padding) at every context length.
    public mutating func add(_ tokens: [Int32]) {
        for t in tokens where !seen.contains(t) {
            seen.insert(t)
            vocabulary += 1
        }
        for i in tokens.indices {
            let next = tokens[i]
            var node: Int32 = 0
            count(node, next)
            for back in 1..<order {
                let prev = i - back >= 0 ? tokens[i - back] : Self.start
                let k = Self.key(node, prev)
                if let child = children[k] {
                    node = child
                } else {
                    let child = Int32(total.count)
                    total.append(0)
                    distinct.append(0)
                    children[k] = child
                    node = child
                }
                count(node, next)
                if i - back < 0 { break }
            }
        }
    }

    mutating func count(_ node: Int32, _ next: Int32) {
        total[Int(node)] += 1
        let k = Self.key(node, next)
        if let c = follows[k] {
            follows[k] = c + 1
        } else {
            follows[k] = 1
            distinct[Int(node)] += 1
        }
    }

    /// P(tokens[i] | the tokens before it), Witten-Bell interpolated from the uniform
    /// distribution over the vocabulary plus one unseen token.
    public func probability(of tokens: [Int32], at i: Int) -> Double {
        probabilities(of: tokens, at: i, lowOrder: order).full
    }

    /// P(tokens[i] | ...) from the whole model and from its first `lowOrder` orders only (the
    /// probability an order-`lowOrder` model trained on the same sequences gives: shorter
    /// contexts are counted the same way in both), in one walk of the trie.
    func probabilities(of tokens: [Int32], at i: Int, lowOrder: Int) -> (full: Double, low: Double) {
        let next = tokens[i]
        var p = 1.0 / Double(vocabulary + 1)
        var low = p
        var node: Int32 = 0
        var back = 0
        while true {
            let c = Double(total[Int(node)])
            if c == 0 { break }
            let t = Double(distinct[Int(node)])
            let seenCount = Double(follows[Self.key(node, next)] ?? 0)
            let lambda = c / (c + t)
            p = lambda * seenCount / c + (1 - lambda) * p
            // `back` tokens of context so far: an order-(back + 1) model's probability.
            if back < lowOrder { low = p }
            back += 1
            if back >= order { break }
            let prev = i - back >= 0 ? tokens[i - back] : Self.start
            guard let child = children[Self.key(node, prev)] else { break }
            node = child
            if i - back < 0 {
                // The start padding is one token: longer contexts do not exist.
                let c2 = Double(total[Int(node)])
                if c2 > 0 {
                    let t2 = Double(distinct[Int(node)])
                    let s2 = Double(follows[Self.key(node, next)] ?? 0)
                    let l2 = c2 / (c2 + t2)
                    p = l2 * s2 / c2 + (1 - l2) * p
                    if back < lowOrder { low = p }
                }
                break
            }
        }
        return (p, low)
    }

    /// The negative log-probability of `tokens[i]` under the model's first 1, 2, ..., `order`
    /// orders (what models of those orders trained on the same sequences give), written into
    /// `out[0..<order]`; contexts the model never saw repeat the last value.
    public func orderSurprises(of tokens: [Int32], at i: Int, into out: inout [Double]) {
        for k in 1...order { out[k - 1] = -log(probabilities(of: tokens, at: i, lowOrder: k).low) }
    }

    /// The mean surprise of `tokens` under the whole model and under its first `lowOrder`
    /// orders alone (0 and 0 for an empty sequence). Their difference is how much worse the
    /// long contexts predict the sequence than the short ones do.
    public func surprises(_ tokens: [Int32], lowOrder: Int) -> (full: Double, low: Double) {
        guard !tokens.isEmpty else { return (0, 0) }
        var full = 0.0
        var low = 0.0
        for i in tokens.indices {
            let p = probabilities(of: tokens, at: i, lowOrder: lowOrder)
            full -= log(p.full)
            low -= log(p.low)
        }
        let n = Double(tokens.count)
        return (full / n, low / n)
    }

    /// Mean negative natural log-probability per token: 0 for an empty sequence.
    public func surprise(_ tokens: [Int32]) -> Double {
        guard !tokens.isEmpty else { return 0 }
        var sum = 0.0
        for i in tokens.indices { sum -= log(probability(of: tokens, at: i)) }
        return sum / Double(tokens.count)
    }

    /// Each position's negative log-probability.
    public func surprises(_ tokens: [Int32]) -> [Double] {
        tokens.indices.map { -log(probability(of: tokens, at: $0)) }
    }

    /// How many distinct contexts the model holds (its size).
    public var contexts: Int { total.count }

    public static func == (a: NGramModel, b: NGramModel) -> Bool {
        a.order == b.order && a.total == b.total && a.distinct == b.distinct && a.children == b.children
            && a.follows == b.follows && a.seen == b.seen
    }
}

#if canImport(Glibc)
    import Glibc
#endif
