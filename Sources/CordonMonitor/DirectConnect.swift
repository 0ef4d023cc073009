// `network: domains`: a TCP connect by name (docs/network.md "Connections by name"). The
// sandbox's DNS (cordon's) answered a name with an address of cordon's own; the process now
// connects to it. cordon decides on the name, connects from the host's namespace on a thread of
// its own (the decision may wait for a person, the connect for the network: the monitor's loop
// never waits), installs the connected socket in the process as the very descriptor it passed
// (SECCOMP_IOCTL_NOTIF_ADDFD with SETFD) and answers the connect with 0. The process's own
// socket, still unconnected in the sandbox's empty namespace, is closed by that replacement.
//
// Why it is safe to hand over a socket of the host's namespace: it is connected, so it cannot be
// pointed elsewhere (a second connect is EISCONN, sendto's address is ignored on TCP); binding,
// listening or raw access on it would need capabilities in the host's user namespace, which the
// sandbox has none of; and every other socket the process makes is still in its empty namespace.
// The kernel never performs the process's connect: the address is read once, and the decision
// is on that copy, so nothing the process writes later changes what was decided.
import CSandbox
import CordonBase
import Glibc
import Synchronization

/// Connections by name being decided or connected, each on a thread of cordon's.
final class DirectSlots: Sendable {
    /// At most this many at once (the proxy's own connection limit). Each pending connect holds
    /// a thread of the sandbox, but a command forking many processes, each connecting to an `ask`
    /// host that waits for a person, would otherwise hold as many threads of cordon's, until
    /// cordon could start none (its proxy and monitor threads included). Past it the connect
    /// fails with EAGAIN, as a connect does when the kernel has no resources for it.
    static let limit = 256
    let pending = Atomic<Int>(0)

    func take() -> Bool {
        if pending.add(1, ordering: .relaxed).newValue <= Self.limit { return true }
        pending.subtract(1, ordering: .relaxed)
        return false
    }

    func give() { pending.subtract(1, ordering: .relaxed) }
}

/// Connections by name under `network: domains` (CordonNet's proxy, through the run).
public protocol DirectNetwork: AnyObject, Sendable {
    /// The host a TCP connect to `address` (4 or 16 bytes) stands for, or nil when the address
    /// is no way out (then the connect is judged as any other).
    func host(for address: [UInt8]) -> String?
    /// Decides, resolves and connects a socket of `family` (blocking: called on a thread of
    /// its own); records the decision itself. The connected socket, or the process's errno.
    func openDirect(host: String, port: Int, family: Int32) -> Result<Int32, Errno>
    /// The host's nameservers that are addresses of the sandbox's `lo` (port 53 is local there).
    var nameservers: [[UInt8]] { get }
}

extension Monitor {
    /// An AF_INET or AF_INET6 address's bytes and port.
    static func inetAddress(_ raw: [UInt8]) -> ([UInt8], Int)? {
        guard raw.count >= 8 else { return nil }
        let fam = Int32(UInt16(raw[0]) | UInt16(raw[1]) << 8)
        let port = Int(raw[2]) << 8 | Int(raw[3])
        if fam == AF_INET { return (Array(raw[4..<8]), port) }
        if fam == AF_INET6 && raw.count >= 24 { return (Array(raw[8..<24]), port) }
        return nil
    }

    func connectDirect(
        _ n: cs_notif, listener: Int32, pid: Int32, host: String, port: Int, direct: DirectNetwork, raw: [UInt8]
    ) -> Verdict {
        let ep = Endpoint(sockaddr: raw)
        // The socket is inspected through cordon's duplicate of it; without pidfd_getfd (a
        // container's seccomp profile) cordon cannot tell what it would replace: refused, and
        // said, as before connections by name existed.
        guard actsForProcess else {
            record(
                ep, pid: pid, syscall: nil, refusal: network.refusal,
                why: "connections by name need pidfd_getfd, which this system refuses")
            return .deny(network.refusal)
        }
        guard let (pidfd, sock) = takeSocket(n, listener: listener, pid: pid) else { return .deny(ENOENT) }
        close(pidfd)
        guard sock >= 0 else { return .deny(-sock) }
        defer { close(sock) }
        let domain = Self.intOption(sock, SOL_SOCKET, SO_DOMAIN)
        let type = Self.intOption(sock, SOL_SOCKET, SO_TYPE)
        let proto = Self.intOption(sock, SOL_SOCKET, SO_PROTOCOL)
        guard type == Int32(SOCK_STREAM.rawValue), proto == Int32(IPPROTO_TCP), domain == AF_INET || domain == AF_INET6
        else {
            // UDP (QUIC, a hand-made DNS client) and raw sockets have no way out by name.
            record(ep, pid: pid, syscall: nil, refusal: network.refusal, why: "only TCP connections leave by name")
            return .deny(network.refusal)
        }
        var peer = sockaddr_storage()
        var peerLen = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let connected = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(sock, $0, &peerLen) }
        }
        if connected == 0 { return .deny(EISCONN) }
        let nonBlocking = fcntl(sock, F_GETFL) & O_NONBLOCK != 0
        let options = SocketOptions(reading: sock)
        let target = Int32(truncatingIfNeeded: n.arg(0))
        let cloexec = Self.closeOnExec(pid: pid, fd: target)
        // The thread answers after the monitor may have moved on (even closed the listener at
        // the run's end): its own duplicate keeps the number from naming another file.
        guard directSlots.take() else {
            record(
                ep, pid: pid, syscall: nil, refusal: EAGAIN, why: "\(DirectSlots.limit) connections by name are pending"
            )
            return .deny(EAGAIN)
        }
        let own = fcntl(listener, F_DUPFD_CLOEXEC, 0)
        guard own >= 0 else {
            directSlots.give()
            return .deny(EAGAIN)
        }
        let id = n.id
        let slots = directSlots
        let started = Alongside.detached {
            defer {
                close(own)
                slots.give()
            }
            switch direct.openDirect(host: host, port: port, family: domain) {
            case .success(let fd):
                defer { close(fd) }
                let flags = fcntl(fd, F_GETFL)
                _ = fcntl(fd, F_SETFL, nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK)
                options.apply(fd)
                let r = cs_notif_addfd(own, id, fd, target, cloexec ? 1 : 0)
                // ENOENT: the process left the connect (killed): nobody to answer.
                if r < 0 {
                    if r != -ENOENT { _ = cs_notif_answer(own, id, 0, -r) }
                    return
                }
                _ = cs_notif_answer(own, id, 0, 0)
            case .failure(let e):
                _ = cs_notif_answer(own, id, 0, e.rawValue)
            }
        }
        guard started else {
            close(own)
            directSlots.give()
            return .deny(EAGAIN)
        }
        return .answered
    }

    /// A connect on a socket cordon connected for the process (one of the host's namespace) is
    /// refused with EISCONN; nil for every other socket (judged as before).
    ///
    /// The kernel lets connect(AF_UNSPEC) dissolve a TCP connection (tcp_disconnect: the socket
    /// is unconnected again, its port released). On a socket cordon installed that would leave
    /// the process an unconnected socket of the HOST's namespace: its next connect to
    /// 127.0.0.1/8 (which the rules let through as the sandbox's own loopback, and cordon makes
    /// on the process's socket) or to a nameserver's port 53 would reach the host's services and
    /// its real resolver, and bind/listen would open a port on the host's network. So any
    /// connect on a socket outside the sandbox's namespace is refused, whatever its address.
    func hostSocketConnect(_ n: cs_notif, listener: Int32, pid: Int32, raw: [UInt8]) -> HostSocketCheck {
        guard raw.count >= 2 else { return .notChecked }
        let fam = Int32(UInt16(raw[0]) | UInt16(raw[1]) << 8)
        guard fam == AF_UNSPEC || fam == AF_INET || fam == AF_INET6 else { return .notChecked }
        guard let (pidfd, sock) = takeSocket(n, listener: listener, pid: pid) else { return .refuse(.deny(ENOENT)) }
        guard sock >= 0 else {
            close(pidfd)
            return .notChecked
        }
        let inside = cs_socket_in_netns_of(sock, pid)
        if inside == 1 { return .inside(pidfd: pidfd, sock: sock) }
        close(pidfd)
        close(sock)
        if inside < 0 {
            // Fail closed: a socket whose namespace cordon cannot tell may be one it installed.
            record(
                Endpoint(sockaddr: raw), pid: pid, syscall: nil, refusal: EACCES,
                why: "cannot tell which network namespace this socket is in (\(Errno(-inside)))")
            return .refuse(.deny(EACCES))
        }
        record(
            Endpoint(sockaddr: raw), pid: pid, syscall: nil, refusal: EISCONN,
            why: "this socket was connected by name by cordon: it cannot be disconnected or connected again")
        return .refuse(.deny(EISCONN))
    }

    enum HostSocketCheck {
        /// Refused: the socket is outside the sandbox's namespace (or cannot be told).
        case refuse(Verdict)
        /// The sandbox's own: cordon's duplicate of it and the process's pidfd, for the call.
        case inside(pidfd: Int32, sock: Int32)
        /// Not a family the check applies to, or the socket could not be taken (the call's own
        /// path reports why).
        case notChecked
    }

    static func intOption(_ fd: Int32, _ level: Int32, _ name: Int32) -> Int32 {
        var v: Int32 = -1
        var len = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, level, name, &v, &len) == 0 ? v : -1
    }

    /// Whether the process's descriptor is close-on-exec (/proc/PID/fdinfo/N "flags:", octal).
    static func closeOnExec(pid: Int32, fd: Int32) -> Bool {
        guard let raw = ProcessView.readFile("/proc/\(pid)/fdinfo/\(fd)") else { return true }
        for line in String(decoding: raw, as: UTF8.self).split(separator: "\n") where line.hasPrefix("flags:") {
            let v = String(line.dropFirst(6)).trimmingCharacters(in: " \t")
            if let flags = Int(v, radix: 8) { return flags & Int(O_CLOEXEC) != 0 }
        }
        return true
    }
}

/// The options a process may set on a socket before connecting it, carried over to the socket
/// cordon connects for it. Buffer sizes are not (reading one cannot tell whether the process set
/// it, and setting the value read would turn the kernel's autotuning off), nor a bind.
struct SocketOptions: Sendable {
    static let carried: [(Int32, Int32)] = [
        (SOL_SOCKET, SO_KEEPALIVE), (Int32(IPPROTO_TCP), TCP_NODELAY), (Int32(IPPROTO_TCP), TCP_KEEPIDLE),
        (Int32(IPPROTO_TCP), TCP_KEEPINTVL), (Int32(IPPROTO_TCP), TCP_KEEPCNT), (Int32(IPPROTO_TCP), TCP_USER_TIMEOUT),
    ]
    var values: [Int32?]
    var linger: linger?

    init(reading fd: Int32) {
        values = Self.carried.map { level, name in
            var v: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(fd, level, name, &v, &len) == 0 ? v : nil
        }
        var l = Glibc.linger()
        var len = socklen_t(MemoryLayout<Glibc.linger>.size)
        linger = getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) == 0 && l.l_onoff != 0 ? l : nil
    }

    func apply(_ fd: Int32) {
        for (i, (level, name)) in Self.carried.enumerated() {
            guard var v = values[i] else { continue }
            _ = setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
        }
        if var l = linger { _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<Glibc.linger>.size)) }
    }
}
