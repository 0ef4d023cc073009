// UTF-8 validation for the JSON parser. Written out rather than left to
// `String(validating:)`, whose generic entry point costs a runtime metadata lookup per
// call (over a third of a trace line's parse time), and so the error can name the byte.

public enum UTF8Validation {
    /// Length of the well-formed UTF-8 sequence starting at `i` (1 for ASCII, 2...4), or 0 if
    /// it is not one: stray continuation byte, overlong form, surrogate, beyond U+10FFFF, or
    /// cut short by the end of the buffer.
    @inline(__always)
    public static func sequenceLength(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let c = s[i]
        if c < 0x80 { return 1 }
        let n: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: n = 2
        case 0xE0:
            n = 3
            lo = 0xA0
        case 0xED:
            n = 3
            hi = 0x9F
        case 0xE1...0xEF: n = 3
        case 0xF0:
            n = 4
            lo = 0x90
        case 0xF4:
            n = 4
            hi = 0x8F
        case 0xF1...0xF3: n = 4
        default: return 0
        }
        guard i + n <= s.count, s[i + 1] >= lo && s[i + 1] <= hi else { return 0 }
        for j in 2..<n where s[i + j] & 0xC0 != 0x80 { return 0 }
        return n
    }

    public static func sequenceLength(_ b: [UInt8], at i: Int) -> Int {
        b.withUnsafeBufferPointer { sequenceLength($0, at: i) }
    }

    /// Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates).
    static func firstInvalid(_ s: UnsafeBufferPointer<UInt8>) -> Int {
        var k = 0
        while k < s.count {
            let n = sequenceLength(s, at: k)
            if n == 0 { return k }
            k += n
        }
        return s.count
    }
}
