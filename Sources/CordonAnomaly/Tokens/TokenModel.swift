// Research mode: the detector core on plain token sequences (one trace per file, tokens
// separated by white space: system-call numbers or names), so it can be compared with the
// literature on public data sets (`cordon baseline train|score --tokens`).
//
// Two views of a trace, each made a 0..1 rank by calibration, and the score is their mean:
//  - order: the n-gram language model of NGramModel (the core agent runs use for their exec
//    order); raw value, the trace's mean negative log-probability per token under the whole
//    model minus `contrastWeight` times the same under its first `contrastOrder` orders.
//    The weight is 0 by default (the plain surprise): session 11's 0.75 gained 0.006 AUC on
//    ADFA-LD and lost 0.3 on the UNM data (BENCHMARKS.md "Session 16");
//  - content: TokenSets, the distance of the trace's set of tokens to the nearest training
//    trace's set (the frequency view; agent runs have it as their new-item families).
// Calibration: the training traces are split into folds, each fold scored by models trained
// on the others, and a raw value's rank is where it falls among those held-out normal values
// (continuous and monotonic, so beyond the largest one it still rises towards 1). Averaging
// ranks, not raw values, needs no scale between the views and keeps the score in 0..1.

import CordonBase

public struct TokenModel: Sendable, Equatable {
    public var order: Int
    /// Token text → id, in first-seen order of training.
    public var vocabulary: [String: Int32] = [:]
    public var model: NGramModel
    /// Held-out order-view values (`contrast`) of normal training traces, ascending.
    public var calibration: [Double] = []
    /// The training traces' token sets, and their held-out distances, ascending.
    public var sets = TokenSets(traces: [], vocabulary: 0)
    public var setCalibration: [Double] = []
    /// How many traces trained it.
    public var traces = 0
    /// The order view's raw value is the surprise minus `contrastWeight` times the surprise
    /// under the model's first `contrastOrder` orders.
    public var contrastOrder = TokenModel.defaultContrastOrder
    public var contrastWeight = TokenModel.defaultContrastWeight

    public static let defaultOrder = 8
    static let folds = 5
    /// The order view's contrast by default: none, the plain order-8 surprise (weight 0).
    /// Session 11 chose order 3, weight 0.75 on ADFA-LD's tuning part (+0.006 AUC there); on a
    /// second data set, the UNM / MIT system-call data (session 16, BENCHMARKS.md), every
    /// contrast (orders 1-4, weights 0.25-1, in nats, as a ratio or in units of the held-out
    /// normals' typical surprise) ranked attacks worse than the plain surprise, 0.75 at
    /// order 3 down to AUC 0.53 / 0.67 (tuning / test) from 0.945 / 0.974: its intrusions
    /// are rare at every order, and a contrast excuses exactly that. A model file keeps the
    /// contrast it was trained with, so older files still score as they did.
    public static let defaultContrastOrder = 3
    public static let defaultContrastWeight = 0.0

    public init(order: Int = TokenModel.defaultOrder) {
        self.order = order
        model = NGramModel(order: order)
    }

    /// Tokens as ids; tokens never seen in training get ids past the vocabulary (all unseen
    /// tokens share one, which the model gives the unseen-token probability).
    public func ids(_ tokens: [String]) -> [Int32] {
        let unseen = Int32(vocabulary.count)
        return tokens.map { vocabulary[$0] ?? unseen }
    }

    mutating func intern(_ tokens: [String]) -> [Int32] {
        tokens.map { t in
            if let id = vocabulary[t] { return id }
            let id = Int32(vocabulary.count)
            vocabulary[t] = id
            return id
        }
    }

    /// Trains on `traces` (each a token list), then calibrates by `folds`-fold cross-validation.
    public static func train(
        _ traces: [[String]], order: Int = TokenModel.defaultOrder,
        contrastWeight: Double = TokenModel.defaultContrastWeight
    ) -> TokenModel {
        var m = TokenModel(order: order)
        m.contrastOrder = min(TokenModel.defaultContrastOrder, order)
        m.contrastWeight = contrastWeight
        let (lowOrder, weight) = (m.contrastOrder, contrastWeight)
        let encoded = traces.map { m.intern($0) }
        for t in encoded { m.model.add(t) }
        let vocabulary = m.vocabulary.count
        m.sets = TokenSets(traces: encoded, vocabulary: vocabulary)
        m.traces = traces.count
        guard traces.count >= folds else {
            m.calibration = encoded.map { contrast(m.model, $0, lowOrder, weight) }.sorted()
            m.setCalibration = encoded.map { m.sets.distance($0, vocabulary: vocabulary) }.sorted()
            return m
        }
        // Fold k holds traces k, k+folds, ...: deterministic, and mixes the order they came in.
        let parts = ParallelMap.map(
            count: folds, threads: min(folds, ParallelMap.availableThreads), minimumPerThread: 1
        ) { k -> [(Double, Double)] in
            var partial = NGramModel(order: order)
            var others: [[Int32]] = []
            for (i, t) in encoded.enumerated() where i % folds != k {
                partial.add(t)
                others.append(t)
            }
            let sets = TokenSets(traces: others, vocabulary: vocabulary)
            return encoded.enumerated().filter { $0.offset % folds == k }.map {
                (contrast(partial, $0.element, lowOrder, weight), sets.distance($0.element, vocabulary: vocabulary))
            }
        }
        m.calibration = parts.flatMap { $0.map(\.0) }.sorted()
        m.setCalibration = parts.flatMap { $0.map(\.1) }.sorted()
        return m
    }

    /// The raw surprise of a trace (mean negative log-probability per token).
    public func surprise(_ tokens: [String]) -> Double { model.surprise(ids(tokens)) }

    /// The order view's raw value: the surprise under the whole model minus `contrastWeight`
    /// times the surprise under its first `contrastOrder` orders.
    public func contrast(_ tokens: [String]) -> Double {
        Self.contrast(model, ids(tokens), contrastOrder, contrastWeight)
    }

    static func contrast(_ model: NGramModel, _ tokens: [Int32], _ lowOrder: Int, _ weight: Double) -> Double {
        // Weight 0 (the default): the plain surprise, the same sum without the low orders' logarithms.
        if weight == 0 { return model.surprise(tokens) }
        let s = model.surprises(tokens, lowOrder: min(lowOrder, model.order))
        return s.full - weight * s.low
    }

    /// The raw distance of a trace's token set to the nearest training trace's (0...1).
    public func distance(_ tokens: [String]) -> Double { sets.distance(ids(tokens), vocabulary: vocabulary.count) }

    /// Each view's calibrated rank, 0..1: the fraction of held-out normal traces less
    /// surprising (order) and less far (content) than this one, extended smoothly beyond the
    /// largest of them.
    public func views(_ tokens: [String]) -> (order: Double, content: Double) {
        let t = ids(tokens)
        return (
            Self.calibrated(Self.contrast(model, t, contrastOrder, contrastWeight), calibration),
            Self.calibrated(sets.distance(t, vocabulary: vocabulary.count), setCalibration)
        )
    }

    /// 0..1: the mean of the two views' ranks.
    public func score(_ tokens: [String]) -> Double {
        let v = views(tokens)
        return (v.order + v.content) / 2
    }

    static func calibrated(_ x: Double, _ sorted: [Double]) -> Double {
        guard let last = sorted.last, let first = sorted.first else { return 0 }
        let n = Double(sorted.count)
        if x <= first { return 0.5 / (n + 1) * (first > 0 ? max(0, x / first) : 0) }
        if x > last {
            let top = n / (n + 1)
            let spread = max(1e-9, last - (sorted[sorted.count / 2]))
            return top + (1 - top) * (1 - exp(-(x - last) / spread))
        }
        // Rank with linear interpolation between neighbours.
        var lo = 0
        var hi = sorted.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if sorted[mid] <= x { lo = mid } else { hi = mid }
        }
        let a = sorted[lo]
        let b = sorted[hi]
        let frac = b > a ? (x - a) / (b - a) : 0
        return (Double(lo) + 0.5 + frac) / (n + 1)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
