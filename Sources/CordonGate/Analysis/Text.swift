// Byte-level string helpers. The gate avoids Foundation and Regex on its hot path: detectors
// search short ASCII needles in command text, which plain byte loops do in nanoseconds.

extension String {
    /// The UTF-8 bytes in place. `withUTF8` is mutating, and calling it on a copy cost a retain
    /// and a release of the storage per call (callgrind: 12 per decision in the tool-list globs
    /// alone); native strings always have contiguous UTF-8, so the fallback is for bridged ones.
    @inline(__always) func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = self
        return copy.withUTF8(body)
    }

    /// Whether the string holds a `.`, `/` or `:` (bit 0, 1, 2): every secret path has a dot or
    /// a slash and every metadata address a dot or a colon, so most arguments (flags, words)
    /// are ruled out by one pass over their bytes.
    var pathPunctuation: UInt8 {
        withBytes { b in
            var f: UInt8 = 0
            for c in b {
                // `.` 0x2E, `/` 0x2F and `:` 0x3A lie within 12 of each other: one range test rules
                // out letters and most other bytes.
                let d = c &- 0x2E
                if d > 12 { continue }
                if d == 0 { f |= 1 } else if d == 1 { f |= 2 } else if d == 12 { f |= 4 }
            }
            return f
        }
    }

    /// Whether the byte `c` occurs. For an ASCII `c` this is a necessary condition for the
    /// Character `c` to occur (no other spelling of an ASCII character exists but K, `;` and
    /// a backquote, never asked here), so it can rule out a `firstIndex(of:)` over Characters,
    /// which cost ~2,700 instructions on an argument.
    func containsByte(_ c: UInt8) -> Bool { withBytes { $0.contains(c) } }

    /// Whether `needle` occurs in this string (byte comparison).
    @inline(__always) func has(_ needle: String) -> Bool { byteRange(of: needle) != nil }

    /// Whether any of `needles` occurs.
    func hasAny(_ needles: [String]) -> Bool { needles.contains { has($0) } }

    /// Byte offsets of the first occurrence of `needle`.
    func byteRange(of needle: String, from: Int = 0) -> Range<Int>? {
        return withBytes { hb in
            needle.withBytes { nb in
                guard nb.count > 0, hb.count >= nb.count else { return nb.count == 0 ? 0..<0 : nil }
                let first = nb[0]
                var k = from
                let last = hb.count - nb.count
                while k <= last {
                    if hb[k] == first {
                        var m = 1
                        while m < nb.count && hb[k + m] == nb[m] { m += 1 }
                        if m == nb.count { return k..<(k + nb.count) }
                    }
                    k += 1
                }
                return nil
            }
        }
    }

    /// `==` that compares lengths first. String's `==` calls into the runtime for every unequal
    /// pair (~30 instructions); detectors compare program names with dozens of literals per
    /// command, and almost all differ in length. Same answer as `==` for the ASCII literals
    /// used here.
    @inline(__always) func eq(_ other: String) -> Bool {
        utf8.count == other.utf8.count && self == other
    }

    /// Starts with `-` (same as `hasPrefix("-")`, without the general prefix machinery: asked
    /// for every argument of most commands).
    @inline(__always) var isOptionLike: Bool { utf8.first == UInt8(ascii: "-") }

    /// `/dev/tcp/...` or `/dev/udp/...`: bash opens a socket when it redirects to these.
    var isDevSocketPath: Bool {
        guard utf8.first == UInt8(ascii: "/"), utf8.count > 9 else { return false }
        return hasPrefix("/dev/tcp/") || hasPrefix("/dev/udp/")
    }

    /// ASCII lower-casing (program names and flags are ASCII; other bytes stay as they are).
    var asciiLowercased: String {
        guard utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5a }) else { return self }
        return String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 32 : $0 }, as: UTF8.self)
    }

    func replacingAll(_ a: String, with b: String) -> String {
        var out: [UInt8] = []
        let u = Array(utf8)
        let n = Array(a.utf8)
        var k = 0
        while k < u.count {
            if !n.isEmpty, k + n.count <= u.count, u[k..<(k + n.count)].elementsEqual(n) {
                out.append(contentsOf: b.utf8)
                k += n.count
            } else {
                out.append(u[k])
                k += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The part after the last `/`.
    var basename: String {
        guard let s = lastSlashOffset else { return self }
        return String(decoding: utf8.dropFirst(s + 1), as: UTF8.self)
    }

    /// Byte offset of the last `/`, searched in the contiguous bytes (UTF8View.lastIndex walks
    /// a generic bidirectional index and cost ~350 instructions per program name).
    var lastSlashOffset: Int? {
        let found: Int? = utf8.withContiguousStorageIfAvailable { b in
            var k = b.count - 1
            while k >= 0 && b[k] != 0x2F { k -= 1 }
            return k
        }
        if let found { return found >= 0 ? found : nil }
        return utf8.lastIndex(of: 0x2F).map { utf8.distance(from: utf8.startIndex, to: $0) }
    }

    /// `~/x`, `$HOME/x` and `/home/NAME/x` and `/root/x` all become `~/x`, so one table of
    /// home-relative secrets covers every spelling.
    var homeNormalised: String {
        if hasPrefix("$HOME/") { return "~/" + dropFirst(6) }
        if hasPrefix("${HOME}/") { return "~/" + dropFirst(8) }
        if hasPrefix("/root/") { return "~/" + dropFirst(6) }
        if hasPrefix("/home/") {
            let rest = dropFirst(6)
            if let s = rest.firstIndex(of: "/") { return "~" + rest[s...] }
        }
        if hasPrefix("/Users/") {
            let rest = dropFirst(7)
            if let s = rest.firstIndex(of: "/") { return "~" + rest[s...] }
        }
        return self
    }
}

/// `a + b + c` built in one allocation of the exact size (same result as interpolation).
func concat(_ a: String, _ b: String, _ c: String) -> String {
    a.withBytes { x in
        b.withBytes { y in
            c.withBytes { z in
                let n = x.count + y.count + z.count
                return String(unsafeUninitializedCapacity: n) { out in
                    guard let o = out.baseAddress else { return 0 }
                    var at = o
                    for part in [x, y, z] {
                        if let p = part.baseAddress { at.initialize(from: p, count: part.count) }
                        at += part.count
                    }
                    return n
                }
            }
        }
    }
}

/// A program or subcommand name for `switch` statements. Detectors switch over dozens of
/// string literals per program; comparing lengths first turns almost every case into one
/// integer compare instead of a call into the string runtime (measured: ~8% of decision time).
struct Name {
    let value: String
    let count: Int
    @inline(__always) init(_ value: String) {
        self.value = value
        self.count = value.utf8.count
    }
}

@inline(__always) func ~= (pattern: String, name: Name) -> Bool {
    pattern.utf8.count == name.count && pattern == name.value
}

/// A fixed set of byte strings searched for in one pass over the haystack (instead of one pass
/// per needle): the per-argument checks run for every argument of every command.
///
/// The needles' bytes are stored back to back, and for each possible first byte the needles
/// starting with it are listed, so a haystack byte only tries the needles that can start
/// there. (Walking every needle per candidate byte, as an array of arrays, cost ~3,900
/// instructions per secret-path check on callgrind, most of it retain/release of the inner
/// arrays.) The answer is the same: whether some needle occurs at some offset.
///
/// A class: the value is shared, not copied (as a struct, every search through a static set
/// retained and released its five arrays).
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

/// An immutable set of short names (programs, flags, paths) looked up by their bytes.
///
/// `Set<String>` hashes with SipHash through the string runtime: callgrind counted ~400
/// instructions per lookup, and the detectors ask dozens of such questions per command. This
/// table hashes the UTF-8 bytes with FNV-1a and compares bytes directly (~40 instructions).
/// Lookups are exact byte comparisons, so the answer is the same as `Set<String>.contains` for
/// the ASCII names these sets hold (no Unicode normalisation is involved).
///
/// A class: sets are passed around (`skipOptions(_:from:withValue:)`) and read from statics
/// on every lookup, and as a struct each pass retained and released its four arrays.
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
