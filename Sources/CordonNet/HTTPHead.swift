// The first request on the proxy's HTTP port: `CONNECT host:port HTTP/1.1` (a tunnel, TLS
// inside, never terminated: the decision is the CONNECT host), or a plain request in absolute
// form (`GET http://host/path HTTP/1.1`), forwarded in origin form with `Connection: close`, so
// one proxy connection carries one request to one decided host. Pure: bytes in, a request or a
// reason out.

public struct ProxyRequest: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// HTTP CONNECT: reply `200`, then relay bytes.
        case connect = "http-connect"
        /// A plain HTTP request: `forward` goes upstream first, then bytes are relayed.
        case http = "http"
        /// SOCKS5 CONNECT (remote name resolution).
        case socks = "socks5"
        /// A TCP connect to an address the sandbox's DNS answered (or an exactly listed
        /// literal): cordon connects and hands the process the connected socket.
        case direct = "direct"
        /// A DNS question from the sandbox, answered by cordon.
        case dns = "dns"
    }
    public var kind: Kind
    public var host: String
    public var port: Int
    /// For `.http`: the request head rewritten for the origin server (plus any body bytes that
    /// came with it).
    public var forward: [UInt8] = []
}

public enum HeadParse: Sendable, Equatable {
    /// More bytes are needed (no blank line yet).
    case incomplete
    case request(ProxyRequest)
    /// Not something the proxy serves: the status and a reason for the client.
    case bad(status: Int, String)
}

public enum HTTPHead {
    /// A request head larger than this is refused (431): the proxy holds it in memory.
    public static let maxHead = 32 * 1024

    /// Parses `buffer` (everything read so far).
    public static func parse(_ buffer: [UInt8]) -> HeadParse {
        guard let end = headEnd(buffer) else {
            return buffer.count > maxHead ? .bad(status: 431, "request head larger than 32 KiB") : .incomplete
        }
        // Lines split on bytes: as Characters, "\r\n" is one grapheme and never equals "\n".
        var lines = buffer[..<end.start].split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        guard let first = lines.first else { return .bad(status: 400, "empty request") }
        lines.removeFirst()
        let parts = first.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return .bad(status: 400, "not an HTTP/1.x request line")
        }
        let method = String(parts[0])
        let target = String(parts[1])
        if method == "CONNECT" {
            guard let (host, port) = hostPort(Substring(target), defaultPort: nil) else {
                return .bad(status: 400, "CONNECT needs host:port, found '\(target)'")
            }
            return .request(ProxyRequest(kind: .connect, host: host, port: port))
        }
        let lower = target.lowercased()
        guard lower.hasPrefix("http://") else {
            if lower.hasPrefix("https://") || lower.hasPrefix("ftp://") {
                return .bad(status: 400, "only http:// URLs go through as plain requests; use CONNECT for https")
            }
            return .bad(
                status: 400,
                "this is cordon's proxy: requests need an absolute http:// URL, or CONNECT host:port")
        }
        let rest = target.dropFirst(7)
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<slash]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard let (host, port) = hostPort(authority, defaultPort: 80) else {
            return .bad(status: 400, "no host in '\(target)'")
        }
        var path = String(rest[slash...])
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        // Hop-by-hop headers for the proxy end here; the origin gets one request and closes.
        var out = "\(method) \(path) \(parts[2])\r\n"
        var sawHost = false
        for line in lines where !line.isEmpty {
            let name = line.prefix { $0 != ":" }.lowercased()
            if name == "proxy-connection" || name == "proxy-authorization" || name == "connection"
                || name == "keep-alive"
            {
                continue
            }
            if name == "host" { sawHost = true }
            out += line + "\r\n"
        }
        if !sawHost { out += "Host: \(authority)\r\n" }
        out += "Connection: close\r\n\r\n"
        var forward = Array(out.utf8)
        forward += buffer[end.end...]
        return .request(ProxyRequest(kind: .http, host: host, port: port, forward: forward))
    }

    /// Where the blank line ending the head starts, and where the body starts.
    static func headEnd(_ b: [UInt8]) -> (start: Int, end: Int)? {
        var i = 0
        let n = min(b.count, maxHead + 4)
        while i + 1 < n {
            if b[i] == 0x0A {
                if b[i + 1] == 0x0A { return (i, i + 2) }
                if i + 2 < n, b[i + 1] == 0x0D, b[i + 2] == 0x0A { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// `host:port`, `[v6]:port`, or a bare host with a default port. The port must be 1-65535.
    public static func hostPort(_ s: Substring, defaultPort: Int?) -> (String, Int)? {
        var host: Substring
        var portText: Substring?
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            host = s[s.index(after: s.startIndex)..<close]
            let after = s[s.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = s.lastIndex(of: ":") {
            host = s[..<colon]
            portText = s[s.index(after: colon)...]
            if host.contains(":") { return nil }  // a bare IPv6 address needs brackets
        } else {
            host = s
        }
        let port: Int
        if let p = portText {
            guard let v = Int(p), (1...65535).contains(v) else { return nil }
            port = v
        } else {
            guard let d = defaultPort else { return nil }
            port = d
        }
        guard !host.isEmpty else { return nil }
        return (String(host), port)
    }

    /// The proxy's own answer to a refused or failed request: a status line, and a body that
    /// names cordon and the rule, so a person reading curl's or pip's error sees why.
    /// `rule`, for a refusal: named in the status line too, which is all some clients print
    /// (pip's and git's "Tunnel connection failed: 403 Forbidden by cordon (rule unlisted)").
    public static func response(status: Int, _ text: String, rule: String? = nil) -> [UInt8] {
        let reason: String
        switch status {
        case 200: reason = "Connection established"
        case 400: reason = "Bad Request"
        case 403: reason = "Forbidden by cordon"
        case 431: reason = "Request Header Fields Too Large"
        case 502: reason = "Bad Gateway"
        case 503: reason = "Service Unavailable"
        case 504: reason = "Gateway Timeout"
        default: reason = "Error"
        }
        if status == 200 { return Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8) }
        let phrase = rule.map { "\(reason) (rule \($0.filter { $0 != "\r" && $0 != "\n" }))" } ?? reason
        let body = "cordon: \(text)\n"
        return Array(
            "HTTP/1.1 \(status) \(phrase)\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\nX-Cordon-Refused: \(status == 403 ? "policy" : "error")\r\n\r\n\(body)"
                .utf8)
    }
}
