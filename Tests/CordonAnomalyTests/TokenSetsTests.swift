import CordonAnomaly
import Testing

@Suite("research mode's token-set view")
struct TokenSetsTests {
    @Test("distance is 0 for a training set, grows with foreign tokens, and counts unseen ones")
    func distance() {
        let sets = TokenSets(traces: [[0, 1, 2, 2, 1], [0, 3], [0, 1, 2]], vocabulary: 4)
        #expect(sets.count == 2)
        #expect(sets.distance([2, 1, 0], vocabulary: 4) == 0)
        #expect(sets.distance([3, 0, 3], vocabulary: 4) == 0)
        // {0, 1, 3}: against {0, 1, 2} cosine 2/3; against {0, 3} 2/sqrt(6), the nearer.
        #expect(abs(sets.distance([0, 1, 3], vocabulary: 4) - (1 - 2 / 6.0.squareRoot())) < 1e-12)
        // Tokens past the vocabulary are one unseen token, in no training set.
        #expect(abs(sets.distance([0, 3, 9, 17], vocabulary: 4) - (1 - 2 / (3.0 * 2).squareRoot())) < 1e-12)
        #expect(sets.distance([7], vocabulary: 4) == 1)
        #expect(sets.distance([], vocabulary: 4) == 0)
    }

    @Test("a vocabulary wider than one word keeps every token apart")
    func wide() {
        let sets = TokenSets(traces: [[1, 70, 130]], vocabulary: 200)
        #expect(sets.width == 4)
        #expect(sets.distance([130, 70, 1], vocabulary: 200) == 0)
        #expect(sets.distance([1, 70, 131], vocabulary: 200) > 0.3)
        let back = TokenSets(width: sets.width, words: sets.words)
        #expect(back == sets)
        #expect(TokenSets(width: 3, words: [1, 2]) == nil)
    }

    @Test("token mode: a trace of usual calls in a foreign combination scores above normal ones")
    func foreignCombination() {
        // Both halves are common windows; only the content view sees that no normal trace
        // holds both kinds of call.
        let a = ["open", "read", "close"]
        let b = ["socket", "send", "close"]
        let normal: [[String]] = (0..<20).map { k in (0..<30).map { i in (k % 2 == 0 ? a : b)[i % 3] } }
        let model = TokenModel.train(normal, order: 3)
        let usual = model.views((0..<30).map { a[$0 % 3] })
        let mixed = model.views((0..<15).map { a[$0 % 3] } + (0..<15).map { b[$0 % 3] })
        #expect(usual.content == 0)
        #expect(mixed.content > 0.95)
        #expect(
            model.score((0..<15).map { a[$0 % 3] } + (0..<15).map { b[$0 % 3] })
                > model.score((0..<30).map { a[$0 % 3] }))
    }

    @Test("format-1 and format-2 model files are refused with a hint to train again")
    func oldFormat() {
        for format in [1, 2] {
            #expect {
                try TokenModel(fileText: "cordon-token-model \(format)\norder 8\n", path: "old.model")
            } throws: { error in
                "\(error)".contains("train it again") && "\(error)".contains("old.model")
                    && "\(error)".contains("format \(format)")
            }
        }
    }
}
