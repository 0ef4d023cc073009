// Byte-level string helpers. The gate avoids Foundation and Regex on its hot path: detectors
// search short ASCII needles in command text, which plain byte loops do in nanoseconds.

extension String {
    /// The UTF-8 bytes in place. `withUTF8` is mutating, and calling it on a copy retains and
    /// releases the storage per call; native strings always have contiguous UTF-8, so the
    /// fallback (same bytes) is for bridged ones. Figures: docs/benchmarks-gate.md.
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
    /// a backquote, never asked here), so a `false` here rules out a `firstIndex(of:)` over
    /// Characters without running that search. Figures: docs/benchmarks-gate.md.
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

    /// `==` that compares lengths first, so an unequal length never calls into the string
    /// runtime; detectors compare program names with dozens of literals per command, and almost
    /// all differ in length. Same answer as `==` for the ASCII literals used here.
    /// Figures: docs/benchmarks-gate.md.
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

    /// Byte offset of the last `/`, searched in the contiguous bytes rather than through
    /// UTF8View's generic index (asked per program name); same offset as the fallback.
    /// Figures: docs/benchmarks-gate.md.
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
