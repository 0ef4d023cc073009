// Socket calls the proxy makes, with deadlines: every wait is a poll with a timeout, so a
// client that sends half a request, or a server that never answers, costs one thread for a
// bounded time and never the run.
import CordonBase
import Glibc

enum Sockets {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    /// Waits for `events` on `fd` until `deadline`; false on timeout or error.
    static func wait(_ fd: Int32, _ events: Int32, until deadline: Double) -> Bool {
        while true {
            let left = deadline - now()
            if left <= 0 { return false }
            var p = pollfd(fd: fd, events: Int16(events), revents: 0)
            let r = poll(&p, 1, Int32(min(left * 1000 + 1, 60_000)))
            if r > 0 { return true }
            if r < 0 && errno != EINTR { return false }
        }
    }

    /// Appends what one read returns to `buffer`: the count, 0 at EOF, -1 on error or timeout.
    static func readSome(_ fd: Int32, into buffer: inout [UInt8], max: Int = 16 << 10, until deadline: Double) -> Int {
        while true {
            guard wait(fd, POLLIN, until: deadline) else { return -1 }
            var chunk = [UInt8](repeating: 0, count: max)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, max, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return -1
            }
            buffer += chunk[0..<n]
            return n
        }
    }

    /// Writes all of `bytes`; false when the peer is gone or the deadline passed.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], until deadline: Double) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                off += n
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EINTR) {
                guard wait(fd, POLLOUT, until: deadline) else { return false }
                continue
            }
            return false
        }
        return true
    }

    struct Resolved {
        var family: Int32
        var address: [UInt8]
        var storage: sockaddr_storage
        var length: socklen_t
        var text: String
    }

    /// getaddrinfo for a TCP connection to host:port, in the host's network namespace (cordon's,
    /// not the sandbox's): the name the client asked for, resolved here.
    struct ResolveFailure: Error {
        var message: String
    }

    static func resolve(_ host: String, port: Int) -> Result<[Resolved], ResolveFailure> {
        // An address literal needs no resolver (getaddrinfo would still ask netlink which
        // address families are configured, ~100 us a connection).
        if let bytes = AddressClass.literal(host) { return .success([literal(bytes, port: port)]) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var res: UnsafeMutablePointer<addrinfo>?
        let r = getaddrinfo(host, String(port), &hints, &res)
        guard r == 0 else { return .failure(ResolveFailure(message: String(cString: gai_strerror(r)))) }
        defer { freeaddrinfo(res) }
        var out: [Resolved] = []
        var p = res
        while let ai = p {
            defer { p = ai.pointee.ai_next }
            var st = sockaddr_storage()
            let len = ai.pointee.ai_addrlen
            guard let addr = ai.pointee.ai_addr, Int(len) <= MemoryLayout<sockaddr_storage>.size else { continue }
            withUnsafeMutableBytes(of: &st) { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(start: addr, count: Int(len)))
            }
            var bytes: [UInt8] = []
            if ai.pointee.ai_family == AF_INET {
                addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    bytes = withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }
                }
            } else if ai.pointee.ai_family == AF_INET6 {
                addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    bytes = withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                }
            } else {
                continue
            }
            out.append(
                Resolved(
                    family: ai.pointee.ai_family, address: bytes, storage: st, length: len,
                    text: text(bytes, family: ai.pointee.ai_family)))
        }
        return .success(out)
    }

    static func literal(_ bytes: [UInt8], port: Int) -> Resolved {
        var st = sockaddr_storage()
        let family: Int32
        let len: Int
        if bytes.count == 4 {
            family = AF_INET
            len = MemoryLayout<sockaddr_in>.size
            withUnsafeMutablePointer(to: &st) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    sin.pointee.sin_family = sa_family_t(AF_INET)
                    sin.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                    withUnsafeMutableBytes(of: &sin.pointee.sin_addr) { $0.copyBytes(from: bytes) }
                }
            }
        } else {
            family = AF_INET6
            len = MemoryLayout<sockaddr_in6>.size
            withUnsafeMutablePointer(to: &st) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
                    sin.pointee.sin6_family = sa_family_t(AF_INET6)
                    sin.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                    withUnsafeMutableBytes(of: &sin.pointee.sin6_addr) { $0.copyBytes(from: bytes) }
                }
            }
        }
        return Resolved(
            family: family, address: bytes, storage: st, length: socklen_t(len), text: text(bytes, family: family))
    }

    static func text(_ bytes: [UInt8], family: Int32) -> String {
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buf, socklen_t(buf.count)) }
        guard ok != nil else { return "?" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A non-blocking connect that completes by `deadline`: the fd, or the errno.
    static func connect(_ r: Resolved, until deadline: Double) -> Result<Int32, Errno> {
        let fd = socket(r.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(.current) }
        setNonBlocking(fd)
        var st = r.storage
        let c = withUnsafePointer(to: &st) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, r.length) }
        }
        if c != 0 && errno != EINPROGRESS {
            let e = Errno.current
            close(fd)
            return .failure(e)
        }
        if c != 0 {
            guard wait(fd, POLLOUT, until: deadline) else {
                close(fd)
                return .failure(Errno(ETIMEDOUT))
            }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 {
                close(fd)
                return .failure(Errno(err))
            }
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return .success(fd)
    }
}
