// UTC timestamps with milliseconds, `2026-11-21T12:00:00.123Z`: what gate.log and the trace
// carry, and what `--since`/`--until` compare against. Glibc only (no Foundation Date).
#if canImport(Glibc)
    import Glibc
#endif

public struct Timestamp: Sendable, Equatable, Comparable, Hashable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, UTC.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    /// RFC 3339 in UTC with exactly three fraction digits.
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func append(to out: inout [UInt8]) {
        var secs = time_t(milliseconds.floorDiv(1000))
        let ms = Int(milliseconds - Int64(secs) * 1000)
        var tm = tm()
        gmtime_r(&secs, &tm)
        func digits(_ v: Int, _ n: Int) {
            var d = [UInt8](repeating: 0x30, count: n)
            var v = v
            for k in stride(from: n - 1, through: 0, by: -1) {
                d[k] = UInt8(0x30 + v % 10)
                v /= 10
            }
            out.append(contentsOf: d)
        }
        digits(Int(tm.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int(tm.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int(tm.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int(tm.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(tm.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(tm.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        digits(ms, 3)
        out.append(UInt8(ascii: "Z"))
    }

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fff...](Z|±HH:MM)`; also a bare date
    /// `YYYY-MM-DD` (midnight UTC), for `--since 2026-11-21`.
    public init?(rfc3339 s: String) {
        let b = Array(s.utf8)
        func num(_ from: Int, _ n: Int) -> Int? {
            guard from + n <= b.count else { return nil }
            var v = 0
            for k in from..<(from + n) {
                guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        guard let y = num(0, 4), b.count >= 10, b[4] == UInt8(ascii: "-"), let mo = num(5, 2),
            b[7] == UInt8(ascii: "-"), let d = num(8, 2), (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        var h = 0
        var mi = 0
        var sec = 0
        var ms = 0
        var offset = 0
        if b.count > 10 {
            guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
                let hh = num(11, 2), b.count > 13, b[13] == UInt8(ascii: ":"), let mm = num(14, 2),
                b.count > 16, b[16] == UInt8(ascii: ":"), let ss = num(17, 2), hh < 24, mm < 60, ss < 61
            else { return nil }
            h = hh
            mi = mm
            sec = ss
            var i = 19
            if i < b.count && b[i] == UInt8(ascii: ".") {
                i += 1
                var scale = 100
                let start = i
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                    ms += Int(b[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
                if i == start { return nil }
            }
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                guard i + 1 == b.count else { return nil }
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                guard i + 6 == b.count, let oh = num(i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2)
                else { return nil }
                offset = (oh * 60 + om) * 60 * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            } else {
                return nil
            }
        }
        let days = Timestamp.daysFromCivil(y, mo, d)
        let seconds = Int64(days) * 86400 + Int64(h * 3600 + mi * 60 + sec - offset)
        self.milliseconds = seconds * 1000 + Int64(ms)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm), so
    /// parsing needs neither timegm's TZ handling nor Foundation.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
