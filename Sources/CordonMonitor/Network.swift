// Connect events: the address a process connects to, and the policy's allow-list for
// `network: host` (or allow-list). Names in the list are resolved once, when the run starts.
// What this cannot do: a name resolving to a shared CDN address allows every site behind that
// address, and domain fronting goes through an allowed address; `network: domains` (CordonNet's
// proxy, deciding on the requested host name) is the answer to both. Under `domains` the
// sandbox's namespace has only loopback: internet addresses are refused here with ENETUNREACH
// (what the kernel would say) so each attempt is recorded as refused, and loopback (the proxy's
// ports, the command's own servers) and non-internet families go through.
import CordonPolicy
import CordonSandbox
import Glibc

struct Endpoint: CustomStringConvertible {
    var family: String
    var address: String?
    var port: Int?

    init(sockaddr raw: [UInt8]) {
        guard raw.count >= 2 else {
            family = "unknown"
            return
        }
        let fam = Int32(UInt16(raw[0]) | UInt16(raw[1]) << 8)
        switch fam {
        case AF_INET where raw.count >= 8:
            family = "inet"
            port = Int(raw[2]) << 8 | Int(raw[3])
            address = "\(raw[4]).\(raw[5]).\(raw[6]).\(raw[7])"
        case AF_INET6 where raw.count >= 24:
            family = "inet6"
            port = Int(raw[2]) << 8 | Int(raw[3])
            var groups: [String] = []
            for i in stride(from: 8, to: 24, by: 2) {
                groups.append(String(Int(raw[i]) << 8 | Int(raw[i + 1]), radix: 16))
            }
            address = groups.joined(separator: ":")
        case AF_UNIX:
            family = "unix"
            let path = raw.dropFirst(2)
            if path.first == 0 {
                address = "@" + String(decoding: path.dropFirst().prefix { $0 != 0 }, as: UTF8.self)
            } else {
                address = String(decoding: path.prefix { $0 != 0 }, as: UTF8.self)
            }
        default:
            family = "family-\(fam)"
        }
    }

    var description: String {
        switch (address, port) {
        case (let a?, let p?): return family == "inet6" ? "[\(a)]:\(p)" : "\(a):\(p)"
        case (let a?, nil): return a
        default: return family
        }
    }
}

struct NetworkRules {
    struct Rule {
        var network: [UInt8]
        var prefix: Int
        var port: Int?
    }
    /// nil: no enforcement (network none: the empty namespace refuses anyway; host: all).
    var rules: [Rule]?
    /// `network: domains`: internet addresses only on loopback.
    var loopbackOnly = false
    /// `network: none` or `domains`: the policy promises no way out but the proxy, so only unix
    /// sockets bound inside the sandbox (or listed) may be reached.
    var privateNamespace = false
    /// The errno a refused connect or datagram gets.
    var refusal: Int32 { loopbackOnly ? ENETUNREACH : EPERM }
    /// `network: domains`: the host's nameservers, added to the sandbox's `lo` so its resolver
    /// reaches cordon's DNS socket. Port 53 on them is local; any other port is refused as before
    /// (nothing of the host's answers there: the address is the sandbox's own).
    var localDNS: [[UInt8]] = []

    init(_ sb: SandboxPolicy) {
        privateNamespace = sb.network == .none || sb.network == .domains
        if sb.network == .domains {
            loopbackOnly = true
            rules = nil
            return
        }
        guard sb.network == .allowList else {
            rules = nil
            return
        }
        var out: [Rule] = []
        for entry in sb.networkAllow {
            // host:port, CIDR:port, [v6]:port; port `*` or absent means any.
            var hostPart = entry
            var port: Int?
            if let i = entry.lastIndex(of: ":"), !entry.hasSuffix("]") {
                let p = entry[entry.index(after: i)...]
                hostPart = String(entry[..<i])
                port = p == "*" ? nil : Int(p)
            }
            hostPart = hostPart.trimmingCharacters(in: "[]")
            var prefix: Int?
            if let slash = hostPart.firstIndex(of: "/") {
                prefix = Int(hostPart[hostPart.index(after: slash)...])
                hostPart = String(hostPart[..<slash])
            }
            for addr in Self.resolve(hostPart) {
                out.append(Rule(network: addr, prefix: prefix ?? addr.count * 8, port: port))
            }
        }
        rules = out
    }

    func allows(_ ep: Endpoint) -> Bool {
        // Families other than these have peers no network namespace confines (AF_VSOCK: the VM's
        // host); the deny list refuses their sockets, and cordon never makes a call on one.
        guard Self.namespacedFamilies.contains(ep.family) else { return false }
        if loopbackOnly {
            guard ep.family == "inet" || ep.family == "inet6" else { return true }
            guard let a = ep.address, let bytes = Self.parse(a) else { return false }
            if bytes.count == 4 && ep.port == 53 && localDNS.contains(bytes) { return true }
            if bytes.count == 4 { return bytes[0] == 127 }
            let v4mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
            return v4mapped ? bytes[12] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
        guard let rules else { return true }
        guard ep.family == "inet" || ep.family == "inet6" else { return ep.family == "unix" }
        guard let a = ep.address, let bytes = Self.parse(a) else { return false }
        return rules.contains { r in
            guard r.network.count == bytes.count else { return false }
            if let p = r.port, p != ep.port { return false }
            var bits = r.prefix
            for i in 0..<bytes.count where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xff : ~(0xff >> UInt8(bits))
                if bytes[i] & mask != r.network[i] & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    /// unix, inet, inet6, netlink (16), AF_UNSPEC (0: dissolving a datagram association), and an
    /// address too short to name a family (the kernel refuses it with EINVAL).
    static let namespacedFamilies: Set<String> = ["unix", "inet", "inet6", "family-16", "family-0", "unknown"]

    static func parse(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, s, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    static func resolve(_ host: String) -> [[UInt8]] {
        if let b = parse(host) { return [b] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &res) == 0 else { return [] }
        defer { freeaddrinfo(res) }
        var out: [[UInt8]] = []
        var p = res
        while let ai = p {
            if ai.pointee.ai_family == AF_INET {
                ai.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    out.append(withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) })
                }
            } else if ai.pointee.ai_family == AF_INET6 {
                ai.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    out.append(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) })
                }
            }
            p = ai.pointee.ai_next
        }
        return out
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
