// SHA-256 through libcrypto: policy hashes (the seccomp cache key) and the gate.log hash
// chain. One-shot SHA256() is used rather than EVP contexts: every input here is already
// in memory, and it avoids an allocation per call on the gate.log append path.
import CCrypto

public enum SHA256 {
    /// The 32-byte digest.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var md = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { src in
            md.withUnsafeMutableBufferPointer { dst in
                _ = CCrypto.SHA256(src.baseAddress, src.count, dst.baseAddress)
            }
        }
        return md
    }

    public static func digest(_ s: String) -> [UInt8] {
        var s = s
        return s.withUTF8 { buf in
            var md = [UInt8](repeating: 0, count: 32)
            md.withUnsafeMutableBufferPointer { dst in
                _ = CCrypto.SHA256(buf.baseAddress, buf.count, dst.baseAddress)
            }
            return md
        }
    }

    /// Lower-case hex of the digest (64 characters).
    public static func hex(_ bytes: [UInt8]) -> String { hexString(digest(bytes)) }

    /// Lower-case hex of the digest of the string's UTF-8 bytes.
    public static func hex(_ s: String) -> String { hexString(digest(s)) }

    static func hexString(_ md: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(md.count * 2)
        for b in md {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
