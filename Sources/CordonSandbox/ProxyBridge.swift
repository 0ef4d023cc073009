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
    public var received: @Sendable ([Int32]) -> Void
    public init(received: @escaping @Sendable ([Int32]) -> Void) { self.received = received }
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
