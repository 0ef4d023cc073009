import CordonAnomaly
import Testing

@Suite("n-gram model and token mode")
struct NGramModelTests {
    @Test("a sequence seen in training is less surprising than a shuffled one")
    func seenIsLessSurprising() {
        var m = NGramModel(order: 4)
        for _ in 0..<20 { m.add([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]) }
        let normal = m.surprise([1, 2, 3, 4, 5, 1, 2, 3])
        let odd = m.surprise([5, 3, 1, 4, 2, 5, 3, 1])
        #expect(normal < 0.2)
        #expect(odd > normal + 1)
    }

    @Test("probabilities over the vocabulary plus the unseen token sum to one")
    func normalised() {
        var m = NGramModel(order: 3)
        m.add([0, 1, 2, 0, 1, 2, 2, 1])
        m.add([2, 2, 0, 1])
        for prefix in [[Int32](), [0], [0, 1], [2, 2]] {
            var total = 0.0
            for t in Int32(0)...Int32(3) { total += m.probability(of: prefix + [t], at: prefix.count) }
            #expect(abs(total - 1) < 1e-9, "context \(prefix)")
        }
    }

    @Test("the flat encoding reads back to the same model, and garbage is refused")
    func encoding() {
        var m = NGramModel(order: 5)
        m.add([3, 1, 4, 1, 5, 9, 2, 6])
        m.add([2, 7, 1, 8, 2, 8])
        let back = NGramModel(encoded: m.encoded)
        #expect(back == m)
        #expect(NGramModel(encoded: Array(m.encoded.dropLast())) == nil)
        #expect(NGramModel(encoded: [99, 1, 0, 0]) == nil)
    }

    @Test("token mode scores a foreign trace above normal ones, and the model file round-trips")
    func tokenModel() throws {
        let normal: [[String]] = (0..<20).map { k in
            (0..<50).map { i in ["open", "read", "read", "close", "mmap"][(i + k) % 5] }
        }
        let model = TokenModel.train(normal, order: 4)
        let usual = model.score((0..<40).map { ["open", "read", "read", "close", "mmap"][$0 % 5] })
        let odd = model.score(["socket", "connect", "dup2", "dup2", "execve", "socket", "connect"])
        #expect(usual < 0.9)
        #expect(odd > 0.95)
        #expect(odd <= 1)
        let back = try TokenModel(fileText: model.fileText, path: "m")
        #expect(back == model)
        #expect(back.score(["socket", "connect"]) == model.score(["socket", "connect"]))
        #expect(throws: TokenModelFileError.self) { try TokenModel(fileText: "hello\n", path: "m") }
    }

    @Test("stide counts the fraction of windows never seen")
    func stide() {
        var s = Stide(width: 3)
        s.add([1, 2, 3, 4])
        #expect(s.score([1, 2, 3, 4]) == 0)
        #expect(s.score([1, 2, 3, 9]) == 0.5)
    }

    @Test("AUC and detection at a false-alarm rate")
    func evaluation() {
        #expect(Evaluation.auc(normal: [0.1, 0.2], anomalous: [0.3, 0.4]) == 1)
        #expect(Evaluation.auc(normal: [0.1, 0.3], anomalous: [0.2, 0.4]) == 0.75)
        #expect(Evaluation.auc(normal: [0.5], anomalous: [0.5]) == 0.5)
        let normal = (1...100).map { Double($0) }
        #expect(Evaluation.detection(normal: normal, anomalous: [96, 200], falseAlarms: 0.05) == 1)
        #expect(Evaluation.detection(normal: normal, anomalous: [95, 200], falseAlarms: 0.05) == 0.5)
    }
}
