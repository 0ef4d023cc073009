// UTF-8 validation for the JSON parser. Written out rather than left to
// `String(validating:)`, whose generic entry point costs a runtime metadata lookup per
// call (over a third of a trace line's parse time), and so the error can name the byte.

enum UTF8Validation {
    /// Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates).
    static func firstInvalid(_ s: UnsafeBufferPointer<UInt8>) -> Int {
        var k = 0
        while k < s.count {
            let c = s[k]
            if c < 0x80 {
                k += 1
                continue
            }
            let n: Int
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: n = 1
            case 0xE0:
                n = 2
                lo = 0xA0
            case 0xED:
                n = 2
                hi = 0x9F
            case 0xE1...0xEF: n = 2
            case 0xF0:
                n = 3
                lo = 0x90
            case 0xF4:
                n = 3
                hi = 0x8F
            case 0xF1...0xF3: n = 3
            default: return k
            }
            for j in 1...n {
                guard k + j < s.count else { return k }
                let x = s[k + j]
                if j == 1 ? (x < lo || x > hi) : (x & 0xC0 != 0x80) { return k }
            }
            k += n + 1
        }
        return s.count
    }
}
