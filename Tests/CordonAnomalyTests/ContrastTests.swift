import CordonAnomaly
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("the order view's contrast: long-context surprise against short-context surprise")
struct ContrastTests {
    /// Two loops that share calls 2 and 4: every pair of calls in `mixed` occurs in normal
    /// traces, but no window of three does.
    static let loopA: [Int32] = [1, 2, 3, 4]
    static let loopB: [Int32] = [5, 2, 6, 4]
    static let mixed: [Int32] = [1, 2, 6, 4, 5, 2, 3, 4, 1, 2, 6, 4, 5, 2, 3, 4]
    static func repeated(_ loop: [Int32], _ times: Int) -> [Int32] { (0..<times).flatMap { _ in loop } }

    @Test("the low orders' surprise is exactly that of a model of that order trained on the same sequences")
    func lowOrderMatchesSmallerModel() {
        var big = NGramModel(order: 8)
        var small = NGramModel(order: 3)
        let training: [[Int32]] = [
            Self.repeated(Self.loopA, 6), Self.repeated(Self.loopB, 5), [7, 1, 2, 3, 4, 7], [2, 2, 4],
        ]
        for t in training {
            big.add(t)
            small.add(t)
        }
        for probe in [Self.mixed, [1, 2, 3], [9, 9, 1], [4], Self.repeated(Self.loopB, 2)] {
            let s = big.surprises(probe, lowOrder: 3)
            #expect(abs(s.full - big.surprise(probe)) < 1e-12, "\(probe)")
            #expect(abs(s.low - small.surprise(probe)) < 1e-12, "\(probe)")
        }
        let empty = big.surprises([], lowOrder: 3)
        #expect(empty.full == 0 && empty.low == 0)
    }

    @Test("each order's per-call surprise is that of a model of that order trained on the same sequences")
    func orderSurprisesMatchSmallerModels() {
        let training: [[Int32]] = [
            Self.repeated(Self.loopA, 6), Self.repeated(Self.loopB, 5), [7, 1, 2, 3, 4, 7], [2, 2, 4],
        ]
        var big = NGramModel(order: 5)
        for t in training { big.add(t) }
        var out = [Double](repeating: 0, count: 5)
        for k in 1...5 {
            var small = NGramModel(order: k)
            for t in training { small.add(t) }
            for probe in [Self.mixed, [9, 1, 2], [4]] {
                for i in probe.indices {
                    big.orderSurprises(of: probe, at: i, into: &out)
                    let want = -log(small.probability(of: probe, at: i))
                    #expect(abs(out[k - 1] - want) < 1e-12, "order \(k), \(probe) at \(i)")
                }
            }
        }
    }

    @Test("usual pairs in an unusual order raise the contrast and the order view above normal traces")
    func unusualOrderScoresHigher() {
        var m = NGramModel(order: 8)
        for k in 0..<10 { m.add(Self.repeated(k % 2 == 0 ? Self.loopA : Self.loopB, 4 + k)) }
        func contrast(_ t: [Int32]) -> Double {
            let s = m.surprises(t, lowOrder: 2)
            return s.full - 0.75 * s.low
        }
        let normal = contrast(Self.repeated(Self.loopA, 4))
        #expect(contrast(Self.mixed) > normal + 0.5, "normal \(normal), mixed \(contrast(Self.mixed))")

        func names(_ t: [Int32]) -> [String] { t.map { "call\($0)" } }
        let normalTraces = (0..<20).map { k in names(Self.repeated(k % 2 == 0 ? Self.loopA : Self.loopB, 4 + k % 7)) }
        let model = TokenModel.train(normalTraces)
        let usual = model.views(names(Self.repeated(Self.loopB, 6)))
        let odd = model.views(names(Self.mixed))
        #expect(odd.order > 0.95, "\(odd)")
        #expect(odd.order > usual.order)
        #expect(model.score(names(Self.mixed)) > model.score(names(Self.repeated(Self.loopB, 6))))
    }

    @Test("the contrast is deterministic and its weight survives the model file; weight 0 is the plain surprise")
    func roundTrip() throws {
        let traces = (0..<12).map { k in Self.repeated(k % 3 == 0 ? Self.loopB : Self.loopA, 3 + k).map { "c\($0)" } }
        let a = TokenModel.train(traces, contrastWeight: 0.75)
        let b = TokenModel.train(traces, contrastWeight: 0.75)
        #expect(a == b)
        #expect(a.contrastOrder == TokenModel.defaultContrastOrder)
        #expect(a.contrastWeight == 0.75)
        // By default the order view is the plain surprise (session 16: the contrast did not
        // carry over to a second data set, UNMDataTests).
        #expect(TokenModel.train(traces).contrastWeight == 0)
        let probe = Self.mixed.map { "c\($0)" }
        #expect(a.contrast(probe) == b.contrast(probe))
        let back = try TokenModel(fileText: a.fileText, path: "m")
        #expect(back == a)
        #expect(back.score(probe) == a.score(probe))

        let plain = TokenModel.train(traces, contrastWeight: 0)
        #expect(plain.contrast(probe) == plain.surprise(probe))
        let plainBack = try TokenModel(fileText: plain.fileText, path: "m")
        #expect(plainBack.contrastWeight == 0)
        #expect(plainBack.views(probe) == plain.views(probe))
        #expect(plain.calibration != a.calibration)

        // A low order above the model's own cannot be scored: refused, with the line named.
        let bad = a.fileText.replacing("contrast 3 0.75", with: "contrast 9 0.75")
        #expect(bad != a.fileText)
        #expect {
            try TokenModel(fileText: bad, path: "bad.model")
        } throws: { error in
            "\(error)".contains("'contrast' line") && "\(error)".contains("bad.model")
        }
        // Order 2 models keep a contrast order they can score.
        let small = TokenModel.train(traces, order: 2, contrastWeight: 0.75)
        #expect(small.contrastOrder == 2)
        #expect(try TokenModel(fileText: small.fileText, path: "m") == small)
    }
}
