// Sizes and durations as people write them in policies, and back. Formatting picks the
// largest unit that keeps the value exact, so `policy show` prints what parses to the same
// number again.

public enum PolicyUnits {
    static let sizeUnits: [(String, UInt64)] = [
        ("b", 1),
        ("kb", 1000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("tib", 1 << 40),
    ]

    /// `4096`, `10MB` (powers of 1000), `512MiB`, `1.5GiB` (powers of 1024); units are
    /// case-insensitive and may follow a space. nil when malformed, fractional in bytes,
    /// or beyond 2^64.
    public static func parseSize(_ text: String) -> UInt64? {
        let (number, unit) = split(text)
        guard let number, let factor = unit.isEmpty ? 1 : sizeUnits.first(where: { $0.0 == unit.lowercased() })?.1
        else { return nil }
        if let whole = UInt64(number) {
            let (r, overflow) = whole.multipliedReportingOverflow(by: factor)
            return overflow ? nil : r
        }
        guard let d = Double(number), d.isFinite, d >= 0 else { return nil }
        let bytes = d * Double(factor)
        guard bytes < 18_446_744_073_709_551_616, bytes.rounded(.towardZero) == bytes else { return nil }
        return UInt64(bytes)
    }

    /// The shortest exact spelling: `1GiB`, `16MiB`, `1500` (bytes).
    public static func formatSize(_ bytes: UInt64) -> String {
        for (name, factor) in [("TiB", UInt64(1) << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor)\(name)"
        }
        return "\(bytes)"
    }

    /// `90s`, `10m`, `1h`, `1.5s`, `250ms`, `1h30m`; a plain number is seconds. nil when
    /// malformed or negative.
    public static func parseDuration(_ text: String) -> Double? {
        let t = text.trimmingSpaces
        if t.isEmpty { return nil }
        // Only digits and '.', so Double's hex, exponent and "inf" spellings stay out.
        if t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { return Double(t) }
        var total = 0.0
        var rest = Substring(t)
        while !rest.isEmpty {
            let numberEnd = rest.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) ?? rest.endIndex
            let unitEnd =
                rest[numberEnd...].firstIndex(where: { $0.isASCII && ($0.isNumber || $0 == ".") }) ?? rest.endIndex
            guard numberEnd > rest.startIndex, let n = Double(rest[..<numberEnd]), n.isFinite else { return nil }
            switch rest[numberEnd..<unitEnd] {
            case "ms": total += n / 1000
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            default: return nil
            }
            rest = rest[unitEnd...]
        }
        return total.isFinite ? total : nil
    }

    /// `1h`, `10m`, `90s`, `1.5s`: whole hours or minutes when exact, else seconds.
    public static func formatDuration(_ seconds: Double) -> String {
        if seconds.rounded(.towardZero) == seconds, seconds < 1e15 {
            let s = Int64(seconds)
            if s != 0, s % 3600 == 0 { return "\(s / 3600)h" }
            if s != 0, s % 60 == 0 { return "\(s / 60)m" }
            return "\(s)s"
        }
        return "\(seconds)s"
    }

    /// Splits `12.5 MiB` into `("12.5", "MiB")`; the number is nil when absent.
    static func split(_ text: String) -> (String?, String) {
        let t = text.trimmingSpaces
        let end = t.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) ?? t.endIndex
        if end == t.startIndex { return (nil, t) }
        return (String(t[..<end]), String(t[end...]).trimmingSpaces)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
