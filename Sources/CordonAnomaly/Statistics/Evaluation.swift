// How well scores separate normal from anomalous traces: the area under the ROC curve (ties
// count half, the Mann-Whitney form) and the detection rate at a false-alarm rate (the
// threshold is the normal scores' quantile; a trace is flagged when strictly above it).

public enum Evaluation {
    public static func auc(normal: [Double], anomalous: [Double]) -> Double {
        guard !normal.isEmpty, !anomalous.isEmpty else { return 0 }
        var all = normal.map { ($0, false) } + anomalous.map { ($0, true) }
        all.sort { $0.0 < $1.0 }
        var rankSum = 0.0
        var i = 0
        while i < all.count {
            var j = i
            while j < all.count && all[j].0 == all[i].0 { j += 1 }
            let rank = Double(i + j + 1) / 2
            for k in i..<j where all[k].1 { rankSum += rank }
            i = j
        }
        let p = Double(anomalous.count)
        let n = Double(normal.count)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// The score above which at most `falseAlarms` of the normal scores lie.
    public static func threshold(normal: [Double], falseAlarms: Double) -> Double {
        let s = normal.sorted()
        guard !s.isEmpty else { return 0 }
        let k = Int((Double(s.count) * (1 - falseAlarms)).rounded(.up)) - 1
        return s[max(0, min(s.count - 1, k))]
    }

    public static func detection(normal: [Double], anomalous: [Double], falseAlarms: Double) -> Double {
        guard !anomalous.isEmpty else { return 0 }
        let t = threshold(normal: normal, falseAlarms: falseAlarms)
        return Double(anomalous.filter { $0 > t }.count) / Double(anomalous.count)
    }
}
