// Searching many short byte strings in one pass over a haystack.

/// A fixed set of byte strings searched for in one pass over the haystack (instead of one pass
/// per needle): the per-argument checks run for every argument of every command.
///
/// The needles' bytes are stored back to back, and for each possible first byte the needles
/// starting with it are listed, so a haystack byte only tries the needles that can start
/// there, and no array of arrays is walked. The answer is the same as trying every needle at
/// every offset: whether some needle occurs at some offset. Figures: docs/benchmarks-gate.md.
///
/// A class: the value is shared, not copied, where a struct would retain and release each of
/// its arrays on every search through a static set. Immutable, so sharing changes no answer.
final class Needles: Sendable {
    /// All needles' bytes back to back; needle `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private let bytes: [UInt8]
    private let starts: [Int]
    /// For byte value `c`: the needles starting with `c` are `byFirst[first[c]..<first[c + 1]]`.
    private let first: [Int]
    private let byFirst: [Int]
    /// 65,536 bits: bit `a << 8 | b` is set when some needle starts with bytes `a, b` (or is the
    /// one byte `a`). Most haystack positions fail this test, so the candidates are not walked.
    private let pairs: [UInt64]

    init(_ strings: [String]) {
        let needles = strings.map { Array($0.utf8) }.filter { !$0.isEmpty }
        var b: [UInt8] = []
        var st: [Int] = [0]
        for n in needles {
            b.append(contentsOf: n)
            st.append(b.count)
        }
        bytes = b
        starts = st
        var f = [Int](repeating: 0, count: 257)
        var order: [Int] = []
        for c in 0..<256 {
            f[c] = order.count
            for (i, n) in needles.enumerated() where Int(n[0]) == c { order.append(i) }
        }
        f[256] = order.count
        first = f
        byFirst = order
        var p = [UInt64](repeating: 0, count: 1024)
        func mark(_ a: UInt8, _ b: UInt8) {
            let key = Int(a) << 8 | Int(b)
            p[key >> 6] |= 1 << UInt64(key & 63)
        }
        for n in needles {
            if n.count == 1 {
                for b in 0...255 { mark(n[0], UInt8(b)) }
            } else {
                mark(n[0], n[1])
            }
        }
        pairs = p
    }

    /// Whether some needle occurs in `hb`.
    func occurs(in hb: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { nb in
            starts.withUnsafeBufferPointer { st in
                first.withUnsafeBufferPointer { fi in
                    byFirst.withUnsafeBufferPointer { bf in
                        pairs.withUnsafeBufferPointer { pairs in
                            var k = 0
                            while k < hb.count {
                                let c = Int(hb[k])
                                if k + 1 < hb.count {
                                    let key = c << 8 | Int(hb[k + 1])
                                    if pairs[key >> 6] & (1 << UInt64(key & 63)) == 0 {
                                        k += 1
                                        continue
                                    }
                                }
                                var j = fi[c]
                                let e = fi[c + 1]
                                while j < e {
                                    let n = bf[j]
                                    let s = st[n]
                                    let len = st[n + 1] - s
                                    if k + len <= hb.count {
                                        var m = 1
                                        while m < len && hb[k + m] == nb[s + m] { m += 1 }
                                        if m == len { return true }
                                    }
                                    j += 1
                                }
                                k += 1
                            }
                            return false
                        }
                    }
                }
            }
        }
    }
}

extension String {
    func containsAny(_ n: Needles) -> Bool {
        withBytes { n.occurs(in: $0) }
    }
}
