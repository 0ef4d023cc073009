// A real HTTP/1.1 server on 127.0.0.1 for the alert tests: it accepts connections on a thread,
// reads each request (headers and a Content-Length body) and answers with the next status from
// its list, or never answers (a blackhole that accepts and then keeps silent).
import CordonBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

public struct HTTPRequest: Sendable {
    public var method: String
    public var target: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

public final class HTTPListener: @unchecked Sendable {
    public enum Mode: Sendable {
        /// Answer each request with the next status (the last one repeats).
        case answer([Int])
        /// Accept, read, never answer, never close.
        case blackhole
    }

    public let port: UInt16
    let fd: Int32
    let mode: Mode
    let state = Mutex<(requests: [HTTPRequest], connections: Int, held: [Int32], stopped: Bool)>(([], 0, [], false))

    public init(_ mode: Mode = .answer([200])) throws {
        self.mode = mode
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw Errno.current }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(s, 64) == 0 else {
            close(s)
            throw Errno.current
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) }
        }
        port = UInt16(bigEndian: addr.sin_port)
        fd = s
        var tid = pthread_t()
        let me = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &tid, nil,
            { arg in
                guard let arg else { return nil }
                Unmanaged<HTTPListener>.fromOpaque(arg).takeRetainedValue().serve()
                return nil
            }, me)
        pthread_detach(tid)
    }

    /// A port on 127.0.0.1 where nothing listens (bound, then closed: connecting is refused).
    public static func closedPort() throws -> UInt16 {
        let l = try HTTPListener(.answer([200]))
        l.stop()
        return l.port
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public var requests: [HTTPRequest] { state.withLock { $0.requests } }
    public var connections: Int { state.withLock { $0.connections } }

    /// Waits up to `seconds` for `count` requests.
    public func waitFor(_ count: Int, seconds: Double = 10) -> [HTTPRequest] {
        let end = Self.now() + seconds
        while Self.now() < end {
            let r = requests
            if r.count >= count { return r }
            usleep(5000)
        }
        return requests
    }

    public func stop() {
        let held = state.withLock { s -> [Int32] in
            s.stopped = true
            defer { s.held = [] }
            return s.held
        }
        // Only shut down: the accept thread closes the socket itself. Closing it here would
        // free the fd number while that thread may still call accept() on it, and a listener
        // another test opens next can get the same number: its connections were accepted and
        // reset by this stopped one (the webhook tests failed now and then, run in parallel).
        shutdown(fd, Int32(SHUT_RDWR))
        for h in held { close(h) }
    }

    deinit {}

    func serve() {
        var answered = 0
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 {
                if errno == EINTR { continue }
                close(fd)
                return
            }
            if state.withLock({ $0.stopped }) {
                close(c)
                close(fd)
                return
            }
            state.withLock { $0.connections += 1 }
            guard let request = Self.read(c) else {
                close(c)
                continue
            }
            state.withLock { $0.requests.append(request) }
            switch mode {
            case .blackhole:
                state.withLock { $0.held.append(c) }
            case .answer(let statuses):
                let status = statuses[min(answered, statuses.count - 1)]
                answered += 1
                let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                _ = Array(reply.utf8).withUnsafeBytes { FileIO.writeAll(c, $0) }
                close(c)
            }
        }
    }

    static func read(_ c: Int32) -> HTTPRequest? {
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var length = 0
        while true {
            if let h = headerEnd, got.count >= h + length { break }
            let n = recv(c, &buf, buf.count, 0)
            if n <= 0 { return nil }
            got += buf[0..<n]
            if headerEnd == nil, let r = find(got, Array("\r\n\r\n".utf8)) {
                headerEnd = r + 4
                let head = String(decoding: got[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let kv = line.split(separator: ":", maxSplits: 1)
                    if kv.count == 2, kv[0].lowercased() == "content-length" {
                        length = Int(kv[1].trimmingPrefix(" ")) ?? 0
                    }
                }
            }
        }
        let h = headerEnd ?? got.count
        let lines = String(decoding: got[0..<max(0, h - 4)], as: UTF8.self).split(separator: "\r\n")
        let first = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let kv = line.split(separator: ":", maxSplits: 1)
            if kv.count == 2 { headers[kv[0].lowercased()] = String(kv[1].trimmingPrefix(" ")) }
        }
        return HTTPRequest(
            method: first.first.map(String.init) ?? "", target: first.count > 1 ? String(first[1]) : "",
            headers: headers, body: Array(got[h..<min(got.count, h + length)]))
    }

    static func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
