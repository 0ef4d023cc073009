// The proxy's request parsers: HTTP CONNECT and absolute-form requests, SOCKS5.
import Testing

@testable import CordonNet

@Suite("proxy protocols")
struct ProtocolTests {
    func parse(_ s: String) -> HeadParse { HTTPHead.parse(Array(s.utf8)) }

    @Test("CONNECT host:port is a tunnel request for that host")
    func connect() {
        let r = parse("CONNECT pypi.org:443 HTTP/1.1\r\nHost: pypi.org:443\r\n\r\n")
        #expect(r == .request(ProxyRequest(kind: .connect, host: "pypi.org", port: 443)))
        #expect(
            parse("CONNECT [::1]:8443 HTTP/1.1\r\n\r\n")
                == .request(ProxyRequest(kind: .connect, host: "::1", port: 8443)))
    }

    @Test("a head without its blank line is incomplete; one past 32 KiB is refused with 431")
    func incomplete() {
        #expect(parse("CONNECT pypi.org:443 HTTP/1.1\r\nHost: x\r\n") == .incomplete)
        let big = "GET http://a/ HTTP/1.1\r\nX: " + String(repeating: "a", count: 40_000)
        guard case .bad(let status, _) = parse(big) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(status == 431)
    }

    @Test("an absolute-form GET is forwarded in origin form with Connection: close and no proxy headers")
    func absolute() throws {
        let r = parse(
            "GET http://pypi.org:8080/simple/six/?q=1 HTTP/1.1\r\nHost: pypi.org:8080\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\nBODY"
        )
        guard case .request(let req) = r else {
            Issue.record("expected a request, got \(r)")
            return
        }
        #expect(req.kind == .http && req.host == "pypi.org" && req.port == 8080)
        let text = String(decoding: req.forward, as: UTF8.self)
        #expect(text.hasPrefix("GET /simple/six/?q=1 HTTP/1.1\r\n"))
        #expect(text.contains("Host: pypi.org:8080\r\n") && text.contains("Accept: */*\r\n"))
        #expect(!text.lowercased().contains("proxy-connection") && !text.contains("keep-alive"))
        #expect(text.hasSuffix("Connection: close\r\n\r\nBODY"))
    }

    @Test("a request without a Host header gets one; user info in the URL is not the host")
    func hostHeader() {
        guard case .request(let req) = parse("GET http://user:pw@example.org HTTP/1.0\r\n\r\n") else {
            Issue.record("expected a request")
            return
        }
        #expect(req.host == "example.org" && req.port == 80)
        #expect(String(decoding: req.forward, as: UTF8.self).contains("Host: example.org\r\n"))
    }

    @Test(
        "requests the proxy does not serve are refused with 400 and a reason",
        arguments: [
            "GET / HTTP/1.1\r\n\r\n", "GET https://pypi.org/ HTTP/1.1\r\n\r\n", "CONNECT pypi.org HTTP/1.1\r\n\r\n",
            "CONNECT pypi.org:0 HTTP/1.1\r\n\r\n", "CONNECT pypi.org:70000 HTTP/1.1\r\n\r\n", "HELLO\r\n\r\n",
            "CONNECT ::1:443 HTTP/1.1\r\n\r\n",
        ])
    func refused(_ s: String) {
        guard case .bad(let status, let why) = parse(s) else {
            Issue.record("expected a refusal for \(s)")
            return
        }
        #expect(status == 400 && !why.isEmpty)
    }

    @Test("the refusal names cordon and the rule in the status line and the body")
    func refusalText() {
        let text = String(decoding: HTTPHead.response(status: 403, "refused x:443", rule: "unlisted"), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 403 Forbidden by cordon (rule unlisted)\r\n"))
        #expect(text.hasSuffix("\r\n\r\ncordon: refused x:443\n"))
    }

    @Test("SOCKS5: a greeting offering no-auth is accepted; one without it gets 05 FF")
    func greeting() {
        #expect(SOCKS5.greeting([5]) == .incomplete)
        #expect(SOCKS5.greeting([5, 2, 2, 0]) == .accepted(consumed: 4))
        #expect(
            SOCKS5.greeting([5, 1, 2]) == .refused([5, 0xFF], "the client offers no method without authentication"))
        if case .refused(let reply, _) = SOCKS5.greeting([4, 1]) {
            #expect(reply.isEmpty)
        } else {
            Issue.record("SOCKS4")
        }
    }

    @Test("SOCKS5 CONNECT by name (socks5h), IPv4 and IPv6; UDP ASSOCIATE and BIND refused")
    func request() {
        let name: [UInt8] = [5, 1, 0, 3, 8] + Array("pypi.org".utf8) + [1, 187]
        #expect(SOCKS5.request(name) == .connect(host: "pypi.org", port: 443, consumed: name.count))
        #expect(SOCKS5.request(Array(name.dropLast())) == .incomplete)
        #expect(
            SOCKS5.request([5, 1, 0, 1, 127, 0, 0, 1, 0, 22]) == .connect(host: "127.0.0.1", port: 22, consumed: 10))
        let v6: [UInt8] = [5, 1, 0, 4] + [UInt8](repeating: 0, count: 15) + [1, 0, 80]
        #expect(SOCKS5.request(v6) == .connect(host: "::1", port: 80, consumed: 22))
        if case .refused(let code, _) = SOCKS5.request([5, 3, 0, 1, 0, 0, 0, 0, 0, 0]) {
            #expect(code == SOCKS5.commandNotSupported)
        } else {
            Issue.record("UDP ASSOCIATE must be refused")
        }
        if case .refused(let code, _) = SOCKS5.request([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]) {
            #expect(code == SOCKS5.commandNotSupported)
        } else {
            Issue.record("BIND must be refused")
        }
    }
}
