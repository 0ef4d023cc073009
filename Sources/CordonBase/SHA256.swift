// SHA-256 through libcrypto: policy hashes (the seccomp cache key) and the gate.log hash
// chain. The low-level SHA256_Init/Update/Final API is used on purpose: in OpenSSL 3 both
// SHA256() and EVP fetch the algorithm from a provider, and the first fetch in a process
// initialises the provider machinery and reads openssl.cnf, a cost every `cordon run` would
// pay inside its few-ms budget. The low-level API computes the same digest with no fetch. It
// is deprecated in OpenSSL 3 but still shipped. Figures: docs/benchmarks-gate.md.
import CCrypto

@inline(__always)
private func sha256(_ p: UnsafeRawPointer?, _ n: Int, _ out: UnsafeMutablePointer<UInt8>?) {
    var ctx = SHA256_CTX()
    _ = SHA256_Init(&ctx)
    _ = SHA256_Update(&ctx, p, n)
    _ = SHA256_Final(out, &ctx)
}

public enum SHA256 {
    /// The 32-byte digest.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var md = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { src in
            md.withUnsafeMutableBufferPointer { dst in
                sha256(src.baseAddress, src.count, dst.baseAddress)
            }
        }
        return md
    }

    public static func digest(_ s: String) -> [UInt8] {
        var s = s
        return s.withUTF8 { buf in
            var md = [UInt8](repeating: 0, count: 32)
            md.withUnsafeMutableBufferPointer { dst in
                sha256(buf.baseAddress, buf.count, dst.baseAddress)
            }
            return md
        }
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under `key`: the tag that proves a record was
    /// written by someone holding the key (the state store's seal, docs/approvals.md).
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var k = key.count > 64 ? digest(key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        let inner = digest(k.map { $0 ^ 0x36 } + message)
        return digest(k.map { $0 ^ 0x5c } + inner)
    }

    /// Lower-case hex of any bytes.
    public static func hexOf(_ bytes: [UInt8]) -> String { hexString(bytes) }

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
