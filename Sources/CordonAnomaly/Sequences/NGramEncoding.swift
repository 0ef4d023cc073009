// An n-gram model as a flat list of integers, for the profile's JSON and the research model
// file: order, the per-node counts, then the two maps sorted by key (so the same model always
// encodes to the same bytes).

extension NGramModel {
    public var encoded: [Int64] {
        var out: [Int64] = [Int64(order), Int64(total.count)]
        out.reserveCapacity(4 + total.count * 2 + children.count * 2 + follows.count * 2 + seen.count)
        out.append(contentsOf: total.map { Int64($0) })
        out.append(contentsOf: distinct.map { Int64($0) })
        for map in [children, follows] {
            out.append(Int64(map.count))
            for (k, v) in map.sorted(by: { $0.key < $1.key }) {
                out.append(Int64(bitPattern: k))
                out.append(Int64(v))
            }
        }
        out.append(Int64(seen.count))
        out.append(contentsOf: seen.sorted().map { Int64($0) })
        return out
    }

    /// Reads `encoded` back; nil names nothing, the caller says which file or profile was bad.
    public init?(encoded v: [Int64]) {
        var i = 0
        func next() -> Int64? {
            guard i < v.count else { return nil }
            defer { i += 1 }
            return v[i]
        }
        guard let order = next(), (1...32).contains(order), let nodes = next(), nodes >= 1,
            nodes <= Int64(v.count)
        else { return nil }
        self.init(order: Int(order))
        total = []
        distinct = []
        for _ in 0..<nodes {
            guard let t = next(), t >= 0, t <= Int64(Int32.max) else { return nil }
            total.append(Int32(t))
        }
        for _ in 0..<nodes {
            guard let d = next(), d >= 0, d <= Int64(Int32.max) else { return nil }
            distinct.append(Int32(d))
        }
        for which in 0..<2 {
            guard let n = next(), n >= 0, n <= Int64(v.count) else { return nil }
            var map: [UInt64: Int32] = [:]
            map.reserveCapacity(Int(n))
            for _ in 0..<n {
                guard let k = next(), let value = next(), value >= 0, value <= Int64(Int32.max) else { return nil }
                if which == 0 && value >= nodes { return nil }
                map[UInt64(bitPattern: k)] = Int32(value)
            }
            if which == 0 { children = map } else { follows = map }
        }
        guard let n = next(), n >= 0, n <= Int64(v.count) else { return nil }
        for _ in 0..<n {
            guard let t = next(), t >= 0, t < Int64(Self.tokenLimit) else { return nil }
            seen.insert(Int32(t))
        }
        vocabulary = seen.count
        guard i == v.count else { return nil }
    }
}
