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

    /// Duplicates are dropped by byte equality through `UniqueNames` (FNV-1a, open
    /// addressing), not a `Set<String>`: every static set of the gate is built on first use
    /// in each `cordon run`, and SipHash through the string runtime made building them most of
    /// the first decision's ~2 ms (issue 19). Names are ASCII without `K`, `;` or a backquote
    /// (LookupTableTests), so byte equality is String equality.
    convenience init<S: Sequence>(_ names: S) where S.Element == String {
        var u = UniqueNames(capacity: names.underestimatedCount)
        for n in names { _ = u.insert(n) }
        self.init(unique: u.names)
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

    /// A later pair with the same name replaces the earlier value; names keep their first place.
    init(_ pairs: [(String, Value)]) {
        var u = UniqueNames(capacity: pairs.count)
        var vals: [Value] = []
        for (k, v) in pairs {
            let (i, inserted) = u.insert(k)
            if inserted { vals.append(v) } else { vals[i] = v }
        }
        names = NameSet(unique: u.names)
        values = vals
    }

    /// Names already without duplicates, and their values in the same order.
    init(unique: [String], values: [Value]) {
        names = NameSet(unique: unique)
        self.values = values
    }

    @inline(__always) subscript(_ name: String) -> Value? {
        names.index(of: name).map { values[$0] }
    }
}

/// Names in the order first inserted, without duplicates (byte equality): what `NameSet` and
/// `NameTable` are built from, and `Effects.families` merges its sets with.
struct UniqueNames {
    private(set) var names: [String] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        slots = [Int32](repeating: -1, count: c)
        mask = c - 1
    }

    /// The name's position, and whether it was new.
    mutating func insert(_ name: String) -> (Int, Bool) {
        if names.count * 2 >= slots.count { grow() }
        var h = name.withBytes { NameSet.hash($0) } & mask
        while true {
            let i = Int(slots[h])
            if i < 0 { break }
            if names[i].utf8.count == name.utf8.count && names[i].utf8.elementsEqual(name.utf8) { return (i, false) }
            h = (h + 1) & mask
        }
        slots[h] = Int32(names.count)
        names.append(name)
        return (names.count - 1, true)
    }

    private mutating func grow() {
        let c = slots.count * 2
        slots = [Int32](repeating: -1, count: c)
        mask = c - 1
        for (i, n) in names.enumerated() {
            var h = n.withBytes { NameSet.hash($0) } & mask
            while slots[h] >= 0 { h = (h + 1) & mask }
            slots[h] = Int32(i)
        }
    }
}
