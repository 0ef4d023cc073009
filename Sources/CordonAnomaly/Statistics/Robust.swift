// Small, deterministic statistics for per-run numbers: nearest-rank percentiles, median and
// median absolute deviation (robust to the odd outlier already in a profile), the normal
// upper tail, and the Poisson upper tail used for "this many new things in one run".

public enum Robust {
    /// Nearest-rank percentile (q in 0...1) of unsorted values; 0 for none.
    public static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let s = values.sorted()
        let k = Int((q * Double(s.count)).rounded(.up)) - 1
        return s[max(0, min(s.count - 1, k))]
    }

    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let s = values.sorted()
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// Median absolute deviation, scaled to estimate a standard deviation (x 1.4826).
    public static func mad(_ values: [Double]) -> Double {
        let m = median(values)
        return 1.4826 * median(values.map { abs($0 - m) })
    }

    /// P(Z >= z) for a standard normal Z.
    public static func normalTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// P(X >= k) for X ~ Poisson(lambda).
    public static func poissonTail(_ k: Int, lambda: Double) -> Double {
        guard k > 0 else { return 1 }
        guard lambda > 0 else { return 0 }
        var term = exp(-lambda)
        var below = term
        if k > 1 {
            for i in 1..<k {
                term *= lambda / Double(i)
                below += term
            }
        }
        return max(0, min(1, 1 - below))
    }
}

#if canImport(Glibc)
    import Glibc
#endif
