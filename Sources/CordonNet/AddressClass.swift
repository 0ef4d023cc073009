// Where an address leads. A name that resolves to loopback, a private network or a link-local
// address (169.254.169.254 is the cloud metadata service, which hands out credentials) is
// refused unless the policy names the host exactly: otherwise any allowed wildcard, or DNS
// rebinding of an allowed name, would reach the host's own services and the local network
// from inside the sandbox.
import Glibc

public enum AddressClass: String, Sendable, Equatable {
    case publicAddress = "public"
    case loopback
    case privateNetwork = "private"
    case linkLocal = "link-local"
    /// 0.0.0.0/8, ::, multicast, broadcast, reserved ranges: never a destination.
    case unusable

    /// Loopback, private and link-local need an exact policy entry; unusable ones are refused.
    public var isLocal: Bool { self == .loopback || self == .privateNetwork || self == .linkLocal }

    public static func of(_ bytes: [UInt8]) -> AddressClass {
        if bytes.count == 4 { return v4(bytes) }
        guard bytes.count == 16 else { return .unusable }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms reach IPv4 addresses.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return v4(Array(bytes[12..<16]))
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) {
            return bytes[15] == 1 ? .loopback : .unusable
        }
        // NAT64 (64:ff9b::/96) embeds an IPv4 address too.
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b {
            return v4(Array(bytes[12..<16]))
        }
        if bytes[0] == 0xff { return .unusable }  // multicast
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if bytes[0] & 0xfe == 0xfc { return .privateNetwork }  // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return .privateNetwork }  // fec0::/10 site-local
        return .publicAddress
    }

    static func v4(_ b: [UInt8]) -> AddressClass {
        switch (b[0], b[1]) {
        case (0, _): return .unusable
        case (127, _): return .loopback
        case (10, _): return .privateNetwork
        case (172, 16...31): return .privateNetwork
        case (192, 168): return .privateNetwork
        case (100, 64...127): return .privateNetwork  // carrier-grade NAT
        case (169, 254): return .linkLocal
        case (224...255, _): return .unusable  // multicast, reserved, broadcast
        default:
            if b[0] == 192 && b[1] == 0 && b[2] == 0 { return .privateNetwork }  // IETF protocol assignments
            if b[0] == 198 && (b[1] == 18 || b[1] == 19) { return .privateNetwork }  // benchmarking
            return .publicAddress
        }
    }

    /// An address literal's bytes (4 or 16), or nil for a name.
    public static func literal(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, s, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }
}
