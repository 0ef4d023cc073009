// The listening socket of `cordon serve`: a unix socket (default `.cordon/cordon.sock`, mode
// 0600: only its owner can connect, which is the check for the API routes) or a TCP address.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public enum Listener {
    /// Binds a unix socket at `path`. A socket file left by a server that died is replaced; one
    /// a live server answers on is not (two servers on one socket would split its clients).
    public static func unix(_ path: String) throws(SystemError) -> Int32 {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw SystemError("bind", path: path, errno: Errno(ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
        }
        var st = stat()
        if lstat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFSOCK else { throw SystemError("bind", path: path, errno: Errno(EEXIST)) }
            let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            let live = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
                }
            }
            close(probe)
            if live {
                throw SystemError(
                    "bind", path: path + " (another cordon serve answers there)", errno: Errno(EADDRINUSE))
            }
            unlink(path)
        }
        // Bound under a temporary name and renamed into place once listening: the path then
        // exists only when a connect succeeds, so a client that sees the file (a harness that
        // starts the server and waits for its socket) never meets a refused connection.
        let temporary = path + ".\(getpid()).tmp"
        let staged = temporary.utf8.count < MemoryLayout.size(ofValue: addr.sun_path)
        if staged {
            unlink(temporary)
            withUnsafeMutableBytes(of: &addr.sun_path) { p in
                p.initializeMemory(as: UInt8.self, repeating: 0)
                for (i, b) in temporary.utf8.enumerated() { p[i] = b }
            }
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket", path: path, errno: .current) }
        // The umask makes bind create the file 0600: a chmod after bind would leave a window in
        // which another user could connect.
        let old = umask(0o177)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        let e = errno
        umask(old)
        guard rc == 0 else {
            close(fd)
            throw SystemError("bind", path: path, errno: Errno(e))
        }
        guard listen(fd, 1024) == 0 else {
            let e = errno
            close(fd)
            if staged { unlink(temporary) }
            throw SystemError("listen", path: path, errno: Errno(e))
        }
        if staged && rename(temporary, path) != 0 {
            let e = errno
            close(fd)
            unlink(temporary)
            throw SystemError("bind", path: path, errno: Errno(e))
        }
        return fd
    }

    /// Binds `HOST:PORT` (an IPv4 address; port 0 picks one). Returns the fd and the port bound.
    public static func tcp(_ spec: String) throws(SystemError) -> (fd: Int32, port: UInt16) {
        guard let colon = spec.lastIndex(of: ":"), let port = UInt16(spec[spec.index(after: colon)...]) else {
            throw SystemError("listen", path: spec + " (expected HOST:PORT, e.g. 127.0.0.1:8787)", errno: Errno(EINVAL))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, String(spec[..<colon]), &addr.sin_addr) == 1 else {
            throw SystemError("listen", path: spec + " (expected an IPv4 address)", errno: Errno(EINVAL))
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket", path: spec, errno: .current) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0, listen(fd, 1024) == 0 else {
            let e = errno
            close(fd)
            throw SystemError("bind", path: spec, errno: Errno(e))
        }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, UInt16(bigEndian: bound.sin_port))
    }
}
