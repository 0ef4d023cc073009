// The proxy itself, in this process, without a sandbox: listening sockets on loopback stand in
// for the ones the sandbox hands over, and a local echo server for the internet. What is
// checked: a CONNECT and a SOCKS5 request to an allowed host relay bytes both ways, an unlisted
// host gets the 403 naming cordon, each new host and decision is reported once, a refused
// SOCKS request gets "not allowed", and stop() ends an idle relay at once.
import CordonPolicy
import Foundation
import Testing

@testable import CordonNet

final class Recorder: ProxyObserver, @unchecked Sendable {
    let lock = NSLock()
    var events: [ProxyEvent] = []
    var answer = ProxyAnswer.approved
    var asked: [String] = []
    func proxyDecided(_ e: ProxyEvent) { lock.withLock { events.append(e) } }
    func proxyAsk(host: String, port: Int, rule: String, stopping: @escaping @Sendable () -> Bool) -> ProxyAnswer {
        lock.withLock {
            asked.append(host)
            return answer
        }
    }
    var snapshot: [ProxyEvent] { lock.withLock { events } }
}

/// A listening TCP socket on 127.0.0.1 and its port.
func listener() throws -> (Int32, Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &a) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
        }
    }
    try #require(ok && listen(fd, 16) == 0)
    return (fd, Int(UInt16(bigEndian: a.sin_port)))
}

func dial(_ port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_port = in_port_t(UInt16(port).bigEndian)
    a.sin_addr.s_addr = inet_addr("127.0.0.1")
    let r = withUnsafePointer(to: &a) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    try #require(r == 0)
    var tv = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    return fd
}

func send(_ fd: Int32, _ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) } }
func send(_ fd: Int32, _ s: String) { send(fd, Array(s.utf8)) }

/// Reads until `count` bytes arrived, or EOF/timeout.
func receive(_ fd: Int32, _ count: Int) -> [UInt8] {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while out.count < count {
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min(4096, count - out.count), 0) }
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

/// Reads an HTTP response head (up to the blank line).
func head(_ fd: Int32) -> String {
    var out: [UInt8] = []
    while !(out.count >= 4 && Array(out.suffix(4)) == Array("\r\n\r\n".utf8)) {
        let b = receive(fd, 1)
        if b.isEmpty { break }
        out += b
    }
    return String(decoding: out, as: UTF8.self)
}

/// An echo server on its own thread: every connection gets its bytes back.
final class EchoServer: @unchecked Sendable {
    let fd: Int32
    let port: Int
    init() throws {
        (fd, port) = try listener()
        let fd = fd
        Thread.detachNewThread {
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { return }
                Thread.detachNewThread {
                    var buf = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let n = buf.withUnsafeMutableBytes { recv(c, $0.baseAddress, 4096, 0) }
                        if n <= 0 { break }
                        _ = buf.withUnsafeBytes { Glibc.send(c, $0.baseAddress, n, Int32(MSG_NOSIGNAL)) }
                    }
                    close(c)
                }
            }
        }
    }
    deinit { shutdown(fd, Int32(SHUT_RDWR)) }
}

@Suite("the proxy in process", .serialized, .timeLimit(.minutes(2)))
struct ProxyTests {
    let echo: EchoServer
    let recorder = Recorder()
    let proxy: NetworkProxy
    let httpPort: Int
    let socksPort: Int

    init() throws {
        echo = try EchoServer()
        let rules = DomainRules(NetworkDomains(allow: ["127.0.0.1", "localhost"], ask: ["asked.invalid"]))
        proxy = NetworkProxy(rules: rules, observer: recorder)
        let (h, hp) = try listener()
        let (s, sp) = try listener()
        (httpPort, socksPort) = (hp, sp)
        try proxy.start(http: h, socks: s)
    }

    @Test("CONNECT to an allowed host relays both ways and is reported once per host and decision")
    func connectRelays() throws {
        defer { proxy.stop() }
        for round in 0..<2 {
            let c = try dial(httpPort)
            defer { close(c) }
            send(c, "CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(head(c).hasPrefix("HTTP/1.1 200 "))
            let payload = Array("round \(round) ".utf8) + [UInt8](repeating: 0x61, count: 200_000)
            let writer = Thread { send(c, payload) }
            writer.start()
            #expect(receive(c, payload.count) == payload)
        }
        let events = recorder.snapshot.filter { $0.decision == .allow }
        #expect(events.count == 2)
        #expect(events.map(\.first) == [true, false])
        #expect(events.first?.rule == "allow:127.0.0.1" && events.first?.address == "127.0.0.1")
    }

    @Test("an unlisted host gets 403 Forbidden by cordon, naming the rule; the server is never reached")
    func unlisted() throws {
        defer { proxy.stop() }
        let c = try dial(httpPort)
        defer { close(c) }
        send(c, "CONNECT example.com:443 HTTP/1.1\r\n\r\n")
        let h = head(c)
        #expect(h.hasPrefix("HTTP/1.1 403 Forbidden by cordon (rule unlisted)"))
        let body = String(decoding: receive(c, 4096), as: UTF8.self)
        #expect(body.contains("cordon: refused example.com:443 (rule unlisted)"))
        #expect(recorder.snapshot.contains { $0.host == "example.com" && $0.decision == .deny && $0.first })
    }

    @Test("SOCKS5 by name relays; a refused name gets REP 2 (not allowed by ruleset)")
    func socks() throws {
        defer { proxy.stop() }
        let c = try dial(socksPort)
        defer { close(c) }
        send(c, [5, 1, 0])
        #expect(receive(c, 2) == [5, 0])
        let name = Array("localhost".utf8)
        send(c, [5, 1, 0, 3, UInt8(name.count)] + name + [UInt8(echo.port >> 8), UInt8(echo.port & 0xff)])
        #expect(receive(c, 10).prefix(2) == [5, 0])
        send(c, "ping")
        #expect(receive(c, 4) == Array("ping".utf8))
        let d = try dial(socksPort)
        defer { close(d) }
        send(d, [5, 1, 0])
        #expect(receive(d, 2) == [5, 0])
        let other = Array("example.com".utf8)
        send(d, [5, 1, 0, 3, UInt8(other.count)] + other + [1, 187])
        #expect(receive(d, 10).prefix(2) == [5, 2])
    }

    @Test("plain HTTP in absolute form reaches the server in origin form")
    func plainHTTP() throws {
        defer { proxy.stop() }
        let c = try dial(httpPort)
        defer { close(c) }
        send(c, "GET http://127.0.0.1:\(echo.port)/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        // The echo server sends the forwarded request back: that is what the origin got.
        let expected = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        let got = String(decoding: receive(c, expected.utf8.count), as: UTF8.self)
        #expect(got == expected, "\(got)")
    }

    @Test("an ask host is asked once per run; a rejection refuses it with 403")
    func ask() throws {
        defer { proxy.stop() }
        recorder.answer = .rejected("not approved (ask:asked.invalid)")
        for _ in 0..<2 {
            let c = try dial(httpPort)
            defer { close(c) }
            send(c, "CONNECT asked.invalid:443 HTTP/1.1\r\n\r\n")
            #expect(head(c).hasPrefix("HTTP/1.1 403 "))
        }
        #expect(recorder.asked == ["asked.invalid"])
    }

    @Test("stop() ends an open, idle relay promptly and frees its slot")
    func stopEndsRelays() throws {
        let c = try dial(httpPort)
        defer { close(c) }
        send(c, "CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\n\r\n")
        #expect(head(c).hasPrefix("HTTP/1.1 200 "))
        let t0 = Date()
        proxy.stop()
        #expect(Date().timeIntervalSince(t0) < 1.5)
        #expect(receive(c, 1).isEmpty, "the client sees the connection end")
    }
}
