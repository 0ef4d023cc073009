// Immutable sets and tables of short ASCII names, looked up by their bytes.

/// An immutable set of short names (programs, flags, paths) looked up by their bytes.
///
/// The detectors ask dozens of such questions per command, so this table hashes the UTF-8
/// bytes with FNV-1a and compares bytes directly instead of going through the string runtime
/// as `Set<String>` does (SipHash). Lookups are exact byte comparisons, so the answer is the
/// same as `Set<String>.contains` for the ASCII names these sets hold (no Unicode
/// normalisation is involved). Figures: docs/benchmarks-gate.md.
///
/// A class: sets are passed around (`skipOptions(_:from:withValue:)`) and read from statics
/// on every lookup, and a reference is shared where a struct would retain each of its arrays.
final class NameSet: Sendable, ExpressibleByArrayLiteral, Sequence {
    /// The names in insertion order, without duplicates.
    let members: [String]
    /// All names' bytes back to back; name `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private let bytes: [UInt8]
    private let starts: [Int32]
    /// Open addressing, load factor at most 1/2: a name index, or -1 for an empty slot.
    private let slots: [Int32]
    private let mask: Int
    /// Bit `min(n, 63)` is set when some name is `n` bytes long, and bit `c` of `first0...3`
    /// (256 bits) when some name starts with byte `c`. Most lookups are misses (a program name
    /// asked against a family it is not in), and these reject them before hashing. Exact: they
    /// only rule out keys that no member can equal byte for byte.
    private let lengths: UInt64
    private let first0, first1, first2, first3: UInt64

    convenience init<S: Sequence>(_ names: S) where S.Element == String {
        var seen = Set<String>()
        var uniq: [String] = []
        for n in names where seen.insert(n).inserted { uniq.append(n) }
        self.init(unique: uniq)
    }

    /// For names known to hold no duplicate (a long sorted literal list): skips the `Set`.
    init(unique uniq: [String]) {
        members = uniq
        var b: [UInt8] = []
        var st: [Int32] = [0]
        for n in uniq {
            b.append(contentsOf: n.utf8)
            st.append(Int32(b.count))
        }
        bytes = b
        starts = st
        var capacity = 8
        while capacity < uniq.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        var s = [Int32](repeating: -1, count: capacity)
        b.withUnsafeBufferPointer { all in
            for i in uniq.indices {
                let key = UnsafeBufferPointer(rebasing: all[Int(st[i])..<Int(st[i + 1])])
                var h = NameSet.hash(key) & (capacity - 1)
                while s[h] >= 0 { h = (h + 1) & (capacity - 1) }
                s[h] = Int32(i)
            }
        }
        slots = s
        var l: UInt64 = 0
        var f: [UInt64] = [0, 0, 0, 0]
        for n in uniq {
            l |= 1 << UInt64(Swift.min(n.utf8.count, 63))
            if let c = n.utf8.first { f[Int(c >> 6)] |= 1 << UInt64(c & 63) }
        }
        lengths = l
        (first0, first1, first2, first3) = (f[0], f[1], f[2], f[3])
    }

    /// Whether some member starts with byte `c`.
    @inline(__always) private func mayStart(with c: UInt8) -> Bool {
        let word = c < 128 ? (c < 64 ? first0 : first1) : (c < 192 ? first2 : first3)
        return word & (1 << UInt64(c & 63)) != 0
    }

    required convenience init(arrayLiteral elements: String...) { self.init(elements) }

    @inline(__always) static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in key {
            h ^= UInt64(c)
            h = h &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The position of `name` in `members`, if it is one.
    func index(of name: String) -> Int? {
        guard lengths & (1 << UInt64(Swift.min(name.utf8.count, 63))) != 0 else { return nil }
        let found: Int? = name.utf8.withContiguousStorageIfAvailable { key in
            if let c = key.first, !mayStart(with: c) { return -1 }
            var h = NameSet.hash(key) & mask
            return bytes.withUnsafeBufferPointer { all in
                while true {
                    let i = Int(slots[h])
                    if i < 0 { return -1 }
                    let s = Int(starts[i])
                    let e = Int(starts[i + 1])
                    if e - s == key.count {
                        var m = 0
                        while m < key.count && all[s + m] == key[m] { m += 1 }
                        if m == key.count { return i }
                    }
                    h = (h + 1) & mask
                }
            }
        }
        // Strings without contiguous UTF-8 (bridged ones, never seen on Linux) take the slow path.
        guard let found else { return members.firstIndex(of: name) }
        return found >= 0 ? found : nil
    }

    @inline(__always) func contains(_ name: String) -> Bool { index(of: name) != nil }

    func union<S: Sequence>(_ other: S) -> NameSet where S.Element == String {
        NameSet(members + Array(other))
    }

    func makeIterator() -> IndexingIterator<[String]> { members.makeIterator() }
}

/// A NameSet with a value per name: `table[name]`.
struct NameTable<Value: Sendable>: Sendable {
    private let names: NameSet
    private let values: [Value]

    init(_ pairs: [(String, Value)]) {
        var merged: [String: Int] = [:]
        var order: [String] = []
        var vals: [Value] = []
        for (k, v) in pairs {
            if let i = merged[k] {
                vals[i] = v
            } else {
                merged[k] = order.count
                order.append(k)
                vals.append(v)
            }
        }
        names = NameSet(order)
        values = vals
    }

    @inline(__always) subscript(_ name: String) -> Value? {
        names.index(of: name).map { values[$0] }
    }
}
