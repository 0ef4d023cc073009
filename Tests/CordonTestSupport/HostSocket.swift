// A host service for the network escape tests: a stream socket (TCP on 127.0.0.1, or a unix
// socket file) whose thread accepts every connection, answers what it reads with "pong" and
// counts it, or a unix datagram socket whose thread counts what arrives. What the count says is
// what really reached the host, whatever the sandboxed process or cordon's trace claim.
import CordonBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

public final class HostSocket: @unchecked Sendable {
    public enum Kind: Sendable {
        case tcp
        case udp
        case unixStream(String)
        case unixDatagram(String)
        /// A stream socket in the abstract namespace (`@name`: no file; the network namespace's).
        case abstractStream(String)
    }

    let fd: Int32
    let datagram: Bool
    /// TCP and UDP: the port it listens on.
    public private(set) var port: UInt16 = 0
    let count = Mutex(0)
    public var received: Int { count.withLock { $0 } }

    /// Waits (up to `seconds`) until `n` connections or datagrams have been counted, and says
    /// whether they were. A client's connect returns once the kernel queued it, before this
    /// socket's thread accepted and counted it: a baseline read right after a control connect
    /// can miss the control, and then the control itself looks like a later escape.
    @discardableResult
    public func waitReceived(atLeast n: Int, seconds: Double = 2) -> Bool {
        var waited = 0.0
        while received < n && waited < seconds {
            usleep(5_000)
            waited += 0.005
        }
        return received >= n
    }

    public init(_ kind: Kind) throws {
        switch kind {
        case .tcp, .udp:
            if case .udp = kind { datagram = true } else { datagram = false }
            let type = datagram ? SOCK_DGRAM : SOCK_STREAM
            fd = socket(AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_addr.s_addr = inet_addr("127.0.0.1")
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafeMutablePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
                }
            }
            guard ok, datagram || listen(fd, 4096) == 0 else { throw Errno.current }
            port = UInt16(bigEndian: a.sin_port)
        case .unixStream(let path), .unixDatagram(let path):
            if case .unixDatagram = kind { datagram = true } else { datagram = false }
            let type = datagram ? SOCK_DGRAM : SOCK_STREAM
            fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var a = sockaddr_un()
            a.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: a.sun_path) else { throw Errno(ENAMETOOLONG) }
            withUnsafeMutableBytes(of: &a.sun_path) { $0.copyBytes(from: bytes) }
            unlink(path)
            let ok = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
                }
            }
            // Writable for everyone: the sandbox's user is not this process's, and a refusal
            // must come from cordon, not from the file's mode.
            guard ok, chmod(path, 0o777) == 0, datagram || listen(fd, 4096) == 0 else { throw Errno.current }
        case .abstractStream(let name):
            datagram = false
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var a = sockaddr_un()
            a.sun_family = sa_family_t(AF_UNIX)
            // A leading NUL, and an address length that ends with the name: abstract names are
            // compared with their length, so a connect to "@name" finds exactly this one.
            let bytes = [0] + Array(name.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: a.sun_path) else { throw Errno(ENAMETOOLONG) }
            withUnsafeMutableBytes(of: &a.sun_path) { $0.copyBytes(from: bytes) }
            let len = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
            let ok = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 }
            }
            guard ok, listen(fd, 4096) == 0 else { throw Errno.current }
        }
        let me = Unmanaged.passRetained(self).toOpaque()
        var tid = pthread_t()
        pthread_create(
            &tid, nil,
            { arg in
                guard let arg else { return nil }
                Unmanaged<HostSocket>.fromOpaque(arg).takeRetainedValue().serve()
                return nil
            }, me)
        pthread_detach(tid)
    }

    /// Stops serving: the thread sees the shutdown and closes the socket itself.
    public func stop() { shutdown(fd, Int32(SHUT_RDWR)) }

    func serve() {
        var buf = [UInt8](repeating: 0, count: 256)
        while true {
            if datagram {
                let n = recv(fd, &buf, buf.count, 0)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                count.withLock { $0 += 1 }
                continue
            }
            let c = accept(fd, nil, nil)
            if c < 0 {
                if errno == EINTR { continue }
                break
            }
            count.withLock { $0 += 1 }
            var tv = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            if recv(c, &buf, buf.count, 0) > 0 { _ = send(c, "pong", 4, Int32(MSG_NOSIGNAL)) }
            close(c)
        }
        close(fd)
    }
}
