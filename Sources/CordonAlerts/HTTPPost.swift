// A minimal HTTP/1.1 POST over POSIX sockets (and OpenSSL for https, TLSConnection): enough for
// webhooks, and nothing that can hold cordon past a deadline. One connection per attempt,
// `Connection: close`, the status line read and the rest ignored. Every step (DNS excepted:
// getaddrinfo has no timeout) waits in poll(2) against the attempt's deadline.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public enum HTTPPost {
    /// The response's status code, or why there was none by `deadline` (CLOCK_MONOTONIC seconds).
    public static func send(
        _ url: WebhookURL, body: [UInt8], headers: [(String, String)] = [], deadline: Double, caFile: String? = nil
    ) throws(DeliveryError) -> Int {
        let fd = try connect(url, deadline: deadline)
        defer { close(fd) }
        var stream: any ByteStream = PlainStream(fd: fd)
        if url.tls { stream = try TLSConnection(fd: fd, host: url.host, caFile: caFile, deadline: deadline) }
        var head = "POST \(url.target) HTTP/1.1\r\nHost: \(url.authority)\r\nUser-Agent: cordon\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        try stream.writeAll(Array(head.utf8) + body, deadline: deadline, what: "send to \(url.authority)")
        return try status(stream, url: url, deadline: deadline)
    }

    /// Reads until the status line is complete: `HTTP/1.x NNN ...`.
    static func status(_ stream: any ByteStream, url: WebhookURL, deadline: Double) throws(DeliveryError) -> Int {
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1024)
        while !got.contains(0x0a) {
            let n = try stream.read(into: &buf, deadline: deadline, what: "read the answer from \(url.authority)")
            if n == 0 { break }
            got += buf[0..<n]
            if got.count > 8192 { break }
        }
        let line = String(decoding: got.prefix { $0 != 0x0d && $0 != 0x0a }, as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
            if got.isEmpty { throw DeliveryError("\(url.authority) closed the connection without answering") }
            throw DeliveryError("\(url.authority) did not answer in HTTP: '\(line.prefix(80))'")
        }
        return code
    }

    /// A connected non-blocking socket to the first address that answers.
    static func connect(_ url: WebhookURL, deadline: Double) throws(DeliveryError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(url.host, String(url.port), &hints, &list)
        guard rc == 0, let first = list else {
            throw DeliveryError("resolve \(url.host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(first) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            // Close-on-exec: the sandbox is spawned from another thread while this one sends, and
            // must never inherit a socket to the outside.
            let fd = socket(
                a.pointee.ai_family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                    | Int32(SOCK_NONBLOCK.rawValue), 0)
            if fd < 0 {
                lastError = "socket: \(Errno.current)"
                continue
            }
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
            var e = errno
            if e == EINPROGRESS {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let n = Errno.retryingEINTR { poll(&p, 1, Clock.pollTimeout(deadline)) }
                if n == 0 {
                    close(fd)
                    throw DeliveryError("connect \(url.authority): no answer before the attempt's timeout")
                }
                var soError: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
                if soError == 0 { return fd }
                e = soError
            }
            close(fd)
            lastError = Errno.text(e)
        }
        throw DeliveryError("connect \(url.authority): \(lastError)")
    }
}

/// Bytes both ways with a deadline: a plain socket or a TLS session over one.
protocol ByteStream {
    func write(_ bytes: UnsafeRawBufferPointer, deadline: Double, what: String) throws(DeliveryError) -> Int
    func read(into buf: inout [UInt8], deadline: Double, what: String) throws(DeliveryError) -> Int
}

extension ByteStream {
    func writeAll(_ bytes: [UInt8], deadline: Double, what: String) throws(DeliveryError) {
        var sent = 0
        while sent < bytes.count {
            let result: Result<Int, DeliveryError> = bytes.withUnsafeBytes { all in
                do throws(DeliveryError) {
                    return .success(
                        try write(UnsafeRawBufferPointer(rebasing: all[sent...]), deadline: deadline, what: what))
                } catch { return .failure(error) }
            }
            sent += try result.get()
        }
    }
}

/// Waits for `events` on `fd` until `deadline`; throws a timeout naming `what`.
func waitFor(_ fd: Int32, _ events: Int32, deadline: Double, what: String) throws(DeliveryError) {
    var p = pollfd(fd: fd, events: Int16(events), revents: 0)
    let n = Errno.retryingEINTR { poll(&p, 1, Clock.pollTimeout(deadline)) }
    if n == 0 { throw DeliveryError("\(what): no answer before the attempt's timeout") }
}

struct PlainStream: ByteStream {
    let fd: Int32

    func write(_ bytes: UnsafeRawBufferPointer, deadline: Double, what: String) throws(DeliveryError) -> Int {
        while true {
            // MSG_NOSIGNAL: a peer that closed early is an EPIPE here, not a SIGPIPE for cordon.
            let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            guard errno == EAGAIN else { throw DeliveryError("\(what): \(Errno.current)") }
            try waitFor(fd, POLLOUT, deadline: deadline, what: what)
        }
    }

    func read(into buf: inout [UInt8], deadline: Double, what: String) throws(DeliveryError) -> Int {
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            guard errno == EAGAIN else { throw DeliveryError("\(what): \(Errno.current)") }
            try waitFor(fd, POLLIN, deadline: deadline, what: what)
        }
    }
}
