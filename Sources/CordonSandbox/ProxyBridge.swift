// `network: domains` from the sandbox's side: the two loopback ports inside that lead to
// cordon's proxy, the listening sockets the child hands out for them (csandbox.h, bridge_sock),
// and the environment that points tools at them. The proxy itself lives in CordonNet.
import Glibc

/// Where the sandbox's proxy ports go once the child has bound them: the receiver owns the
/// listening sockets (HTTP first, then SOCKS) and accepts on them from the host's namespace.
public struct ProxyBridge: Sendable {
    public static let httpPort: UInt16 = 3128
    public static let socksPort: UInt16 = 1080
    public var ports: [UInt16] { [Self.httpPort, Self.socksPort] }
    /// Also a UDP socket on the sandbox's port 53, sent after the listening sockets: cordon
    /// answers the sandbox's DNS (CordonNet's DNSResponder).
    public var dns: Bool
    /// The host's IPv4 nameservers (4 bytes each) outside 127/8, as /etc/resolv.conf names them:
    /// the child adds each to the sandbox's `lo`, so a resolver that sends there reaches cordon's
    /// socket. At most 3 (glibc's MAXNS).
    public var nameservers: [[UInt8]]
    /// How many descriptors the child sends.
    public var descriptors: Int { ports.count + (dns ? 1 : 0) }
    public var received: @Sendable ([Int32]) -> Void
    public init(dns: Bool = false, nameservers: [[UInt8]] = [], received: @escaping @Sendable ([Int32]) -> Void) {
        self.dns = dns
        self.nameservers = nameservers
        self.received = received
    }

    /// The IPv4 `nameserver` lines of a resolv.conf, outside 127/8 (loopback is local already),
    /// at most 3. IPv6 nameservers are left out: a resolver sending to one finds no route and
    /// tries the next (the monitor records the refusal).
    public static func nameservers(resolvConf text: String) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for line in text.split(separator: "\n") {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count >= 2, f[0] == "nameserver" else { continue }
            var a = in_addr()
            guard inet_pton(AF_INET, String(f[1]), &a) == 1 else { continue }
            let bytes = withUnsafeBytes(of: a) { Array($0) }
            if bytes[0] == 127 || bytes == [0, 0, 0, 0] || out.contains(bytes) { continue }
            out.append(bytes)
            if out.count == 3 { break }
        }
        return out
    }
}

/// The variables that make tools use the proxy (docs/network.md has the table).
public enum ProxyEnvironment {
    public static let http = "http://127.0.0.1:\(ProxyBridge.httpPort)"
    public static let socks = "socks5h://127.0.0.1:\(ProxyBridge.socksPort)"

    /// `netcat`: a path of an OpenBSD-style `nc` the sandbox can run, for git over SSH through
    /// the SOCKS port (`nc -X 5` sends the host name, so the proxy decides on the name).
    public static func variables(netcat: String?) -> [(String, String)] {
        var v: [(String, String)] = [
            ("HTTP_PROXY", http), ("HTTPS_PROXY", http), ("http_proxy", http), ("https_proxy", http),
            ("ALL_PROXY", socks), ("all_proxy", socks),
            ("NO_PROXY", "localhost,127.0.0.1,::1"), ("no_proxy", "localhost,127.0.0.1,::1"),
            ("PIP_PROXY", http),
            ("npm_config_proxy", http), ("npm_config_https_proxy", http),
            ("YARN_HTTP_PROXY", http), ("YARN_HTTPS_PROXY", http),
            (
                "JAVA_TOOL_OPTIONS",
                "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=\(ProxyBridge.httpPort) -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=\(ProxyBridge.httpPort) -Dhttp.nonProxyHosts=localhost|127.0.0.1"
            ),
        ]
        if let nc = netcat {
            v.append(
                ("GIT_SSH_COMMAND", "ssh -o ProxyCommand='\(nc) -X 5 -x 127.0.0.1:\(ProxyBridge.socksPort) %h %p'"))
        }
        return v
    }

    /// The first `nc` on the sandbox's PATH that speaks SOCKS5 through `-X 5` (OpenBSD's;
    /// the traditional netcat has no -X). Looked up on the host paths the sandbox binds.
    public static func netcat(path: String) -> String? {
        for dir in path.split(separator: ":") where dir.hasPrefix("/") {
            for name in ["nc.openbsd", "nc"] {
                let p = "\(dir)/\(name)"
                if access(p, X_OK) == 0 {
                    var buf = [CChar](repeating: 0, count: 4096)
                    let n = readlink(p, &buf, buf.count - 1)
                    // nc -> /etc/alternatives/nc -> nc.traditional has no SOCKS support.
                    let target = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : p
                    if name == "nc", target.hasSuffix("traditional") { continue }
                    if let real = realpath(p, nil) {
                        defer { free(real) }
                        if String(cString: real).hasSuffix("traditional") { continue }
                    }
                    return p
                }
            }
        }
        return nil
    }
}
