// Run and action ids that sort by time: `r-` + a ULID (48-bit milliseconds, 80 random bits,
// Crockford base32). `ls .cordon/traces` lists runs in the order they started, and two cordon
// processes starting in the same millisecond still get different ids.
public enum RunID {
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new id with `prefix` (`r-` for runs, `a-` for actions, `s-` for sessions).
    public static func make(prefix: String = "r-", at time: Timestamp = .now()) -> String {
        // The stdlib generator reads getrandom(2), which glibc's headers hide from Swift.
        var g = SystemRandomNumberGenerator()
        let r1: UInt64 = g.next()
        let r2: UInt64 = g.next()
        let random = (0..<10).map { k in UInt8(truncatingIfNeeded: k < 8 ? r1 >> (8 * k) : r2 >> (8 * (k - 8))) }
        // 128 bits: 48 of time then 80 of randomness, written as 26 base32 digits (130 bits).
        var hi = UInt64(max(0, time.milliseconds)) << 16 | UInt64(random[0]) << 8 | UInt64(random[1])
        var lo: UInt64 = 0
        for k in 2..<10 { lo = lo << 8 | UInt64(random[k]) }
        var digits = [UInt8](repeating: 0, count: 26)
        for k in stride(from: 25, through: 0, by: -1) {
            digits[k] = alphabet[Int(lo & 31)]
            lo = lo >> 5 | (hi & 31) << 59
            hi >>= 5
        }
        return prefix + String(decoding: digits, as: UTF8.self)
    }
}
