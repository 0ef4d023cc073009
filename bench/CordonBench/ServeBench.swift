// cordon-bench serve [--cordon PATH] [--connections N] [--seconds S] [--threads T]: requests per
// second of POST /api/runtime/inspect over `cordon serve`'s unix socket, with keep-alive (wrk
// cannot speak to a unix socket, so this is a small HTTP/1.1 client: each connection sends one
// request, reads the whole answer by its Content-Length, and sends the next). The server runs
// in a fresh directory (its gate.log is written for every request, as in production), and the
// client threads share the machine's cores with it: the figure is the whole system's.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

enum ServeBench {
    static let request = #"{"id":"act-1","agentId":"bench","actionType":"read_file","context":{"path":"README.md"}}"#

    static func main(_ args: [String]) -> Int32 {
        var connections = 8
        var seconds = 5.0
        var threads = 2
        var i = 0
        var rest: [String] = []
        while i < args.count {
            if args[i] == "--connections", i + 1 < args.count {
                connections = Int(args[i + 1]) ?? connections
                i += 2
            } else if args[i] == "--seconds", i + 1 < args.count {
                seconds = Double(args[i + 1]) ?? seconds
                i += 2
            } else if args[i] == "--threads", i + 1 < args.count {
                threads = Int(args[i + 1]) ?? threads
                i += 2
            } else {
                rest.append(args[i])
                i += 1
            }
        }
        guard let (_, cordon) = SandboxBench.options(rest, runs: 0) else { return 1 }
        var template = Array("/tmp/cordon-bench-serve-XXXXXX".utf8CString)
        guard let d = mkdtemp(&template) else { return 1 }
        let dir = String(cString: d)
        let socket = dir + "/cordon.sock"
        var pid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] =
            [cordon, "serve", "--log-dir", dir, "--socket", socket, "--threads", String(threads)].map { s in
                s.withCString { strdup($0) }
            }
            + [nil]
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, cordon, &fa, nil, &argv, environ) == 0 else {
            print("cannot start \(cordon) serve")
            return 1
        }
        defer {
            kill(pid, SIGTERM)
            var st: Int32 = 0
            waitpid(pid, &st, 0)
            _ = system("rm -rf '\(dir)'")
        }
        for _ in 0..<500 where access(socket, F_OK) != 0 { usleep(10_000) }
        let body = Array(request.utf8)
        let head = Array(
            "POST /api/runtime/inspect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                .utf8)
        let message = head + body
        // A first request checks the answer is the CLI's shape before timing anything.
        guard let probe = Connection(socket), let first = probe.exchange(message),
            String(decoding: first, as: UTF8.self).hasPrefix(#"{"actionId":"act-1","decision":"allow""#)
        else {
            print("cordon serve did not answer the inspect request as expected")
            return 1
        }
        let duration = seconds
        let counts = ParallelMap.map(count: connections, threads: connections, minimumPerThread: 1) { _ -> Int in
            guard let c = Connection(socket) else { return -1 }
            let stop = now() + duration
            var n = 0
            while now() < stop {
                guard c.exchange(message) != nil else { return -1 }
                n += 1
            }
            return n
        }
        guard !counts.contains(-1) else {
            print("a connection failed during the run")
            return 1
        }
        let total = counts.reduce(0, +)
        print("cordon serve, POST /api/runtime/inspect over a unix socket, keep-alive")
        print(
            "connections: \(connections), server threads: \(threads), seconds: \(seconds), requests: \(total)")
        print("requests/s: \(Int(Double(total) / seconds)) (goal >= 20000)")
        return 0
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// One keep-alive HTTP/1.1 connection over a unix socket.
    final class Connection {
        let fd: Int32
        var buffer: [UInt8] = []

        init?(_ path: String) {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { p in
                for (i, b) in path.utf8.enumerated() { p[i] = b }
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if rc != 0 {
                close(fd)
                return nil
            }
        }

        deinit { close(fd) }

        /// Sends `message`, returns the answer's body (nil: the connection failed).
        func exchange(_ message: [UInt8]) -> [UInt8]? {
            guard message.withUnsafeBytes({ FileIO.writeAll(fd, $0).errno }) == 0 else { return nil }
            while true {
                if let end = headerEnd(), let length = contentLength(end) {
                    if buffer.count >= end + length {
                        let body = Array(buffer[end..<(end + length)])
                        buffer.removeSubrange(0..<(end + length))
                        return body
                    }
                }
                var chunk = [UInt8](repeating: 0, count: 16 << 10)
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { return nil }
                buffer += chunk[0..<n]
            }
        }

        /// Where the body starts (after CRLF CRLF); a byte scan, so the client costs little of
        /// the CPU the server shares with it.
        func headerEnd() -> Int? {
            guard buffer.count >= 4 else { return nil }
            var i = 0
            while i + 3 < buffer.count {
                if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i + 4 }
                i += 1
            }
            return nil
        }

        static let lengthName = Array("Content-Length: ".utf8)

        /// The Content-Length value (evhttp spells the header this way).
        func contentLength(_ end: Int) -> Int? {
            let name = Self.lengthName
            var i = 0
            while i + name.count < end {
                if buffer[i] == name[0] && buffer[i..<(i + name.count)].elementsEqual(name) {
                    var n = 0
                    var j = i + name.count
                    while j < end, buffer[j] >= 48, buffer[j] <= 57 {
                        n = n * 10 + Int(buffer[j] - 48)
                        j += 1
                    }
                    return n
                }
                i += 1
            }
            return nil
        }
    }
}
