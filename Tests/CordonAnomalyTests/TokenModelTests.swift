import CordonAnomaly
import Testing

@Suite("research mode's token model")
struct TokenModelTests {
    /// Traces of a small program-like process: a fixed loop of calls with branches chosen by a
    /// linear congruential generator (deterministic, no system randomness).
    static func traces(_ count: Int, seed: UInt64) -> [[String]] {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        return (0..<count).map { _ in
            var t = ["execve", "brk", "mmap", "open", "read", "close"]
            for _ in 0..<(10 + next(20)) {
                switch next(4) {
                case 0: t += ["open", "fstat", "read", "read", "close"]
                case 1: t += ["stat", "open", "mmap", "close"]
                case 2: t += ["write", "write"]
                default: t += ["poll", "read", "write"]
                }
            }
            return t + ["munmap", "exit_group"]
        }
    }

    /// Fisher-Yates with a linear congruential generator.
    static func shuffled(_ t: [String], seed: UInt64) -> [String] {
        var out = t
        var state = seed
        for i in stride(from: out.count - 1, to: 0, by: -1) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            out.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
        }
        return out
    }

    @Test("the same traces train the same model, and the same trace gets the same score")
    func deterministic() {
        let normal = Self.traces(40, seed: 7)
        let a = TokenModel.train(normal)
        let b = TokenModel.train(normal)
        #expect(a == b)
        #expect(a.fileText == b.fileText)
        for t in Self.traces(5, seed: 99) {
            #expect(a.score(t) == b.score(t))
            #expect(a.score(t) == a.score(t))
        }
    }

    @Test("a trained model scores a held-back normal trace lower than the same calls shuffled")
    func learns() {
        let model = TokenModel.train(Self.traces(60, seed: 1))
        var lower = 0
        var usualScores: [Double] = []
        var oddOrder: [Double] = []
        let heldBack = Self.traces(10, seed: 2)
        for (k, t) in heldBack.enumerated() {
            // The same calls (so the content view cannot tell them apart) in a shuffled order.
            let shuffled = Self.shuffled(t, seed: UInt64(k + 1))
            #expect(shuffled.sorted() == t.sorted())
            let usual = model.views(t)
            let odd = model.views(shuffled)
            #expect(usual.content == odd.content)
            usualScores.append(model.score(t))
            oddOrder.append(odd.order)
            if model.score(t) < model.score(shuffled) && usual.order < odd.order { lower += 1 }
        }
        #expect(lower == heldBack.count)
        // Held-back normal traces rank among the calibration's normal ones (about 0.25 on
        // average: the order view's rank is uniform, the content view's 0); in the order
        // view, the shuffled ones rank above all of them.
        let mean = usualScores.reduce(0, +) / Double(usualScores.count)
        #expect(mean < 0.4, "\(usualScores)")
        #expect(oddOrder.allSatisfy { $0 > 0.95 }, "\(oddOrder)")
    }
}
