// connect and sendto with an address (security issue B.5/B.6). The address is read once from the
// process's memory, judged, recorded, and, when allowed, used by cordon itself: it takes the
// process's socket with pidfd_getfd and makes the call with its own copy (cs_act_for), so what
// the process writes into that memory after the check changes nothing. Letting the call continue
// in the kernel would let another thread (or a process sharing the page) swap the address between
// our read and the kernel's: the check would pass 127.0.0.1:8080 and the kernel connect to a
// forbidden port, while the trace recorded the allowed one.
//
// Pathname unix sockets: with a private network namespace (`network: none`, `domains`) only
// sockets bound inside the sandbox are reachable, plus those the policy lists in
// `sandbox.unix_sockets`. Which file a path names is decided by cordon in the sandbox's root
// (O_PATH, the way the process's own connect would resolve it) and the connection is made
// through that very descriptor ("/proc/thread-self/fd/N"), so the file cannot be swapped after
// the check either. A unix peer sees who connected (SO_PEERCRED, and the file's permissions are
// checked against it): when cordon runs as root, the call is made by a thread that first takes
// on the process's uid, gid and groups, so root's credentials are never lent. The peer sees
// cordon's pid, not the process's (docs/monitor.md).
import CSandbox
import CordonBase
import CordonPolicy
import CordonSandbox
import Glibc

extension Monitor {
    /// Largest datagram cordon sends for a process (UDP's limit is 64 KiB, a unix datagram's the
    /// socket's send buffer): past it the call fails with EMSGSIZE, never unchecked.
    static let datagramLimit = 4 << 20

    /// connect(fd, addr, len), or with `datagram` sendto(fd, buf, len, flags, addr, addrlen):
    /// the seccomp filter sends only sendto calls that carry an address (MonitorEvents), so a
    /// UDP datagram to a new destination is seen like a connect, and refused like one.
    func connect(_ n: cs_notif, listener: Int32, datagram: Bool = false) -> Verdict {
        let pid = Int32(bitPattern: n.pid)
        let addrLen = n.arg(datagram ? 5 : 2)
        // The kernel refuses an address longer than sockaddr_storage with EINVAL itself.
        guard addrLen <= 128 else { return .deny(EINVAL) }
        var raw: [UInt8] = []
        if addrLen > 0 {
            // An address cordon cannot read is answered EFAULT here: continuing would let the
            // kernel read memory another thread may have mapped or filled meanwhile.
            guard let r = ProcessView.bytes(pid: pid, at: n.arg(datagram ? 4 : 1), count: Int(addrLen)) else {
                return .deny(EFAULT)
            }
            raw = r
        }
        guard stillValid(listener, n.id) else { return .deny(ENOENT) }
        // `network: host` enforces nothing: the call goes on in the kernel as the process made it.
        if policy.sandbox.network == .host {
            record(Endpoint(sockaddr: raw), pid: pid, syscall: datagram ? "sendto" : nil, refusal: nil, why: nil)
            return .allow
        }
        // `network: domains`: a TCP connect to an address the sandbox's DNS gave out (or to an
        // exactly listed literal) leaves by name, decided and made by cordon (DirectConnect).
        if !datagram, let direct, let (bytes, port) = Self.inetAddress(raw), let host = direct.host(for: bytes) {
            return connectDirect(n, listener: listener, pid: pid, host: host, port: port, direct: direct, raw: raw)
        }
        // The socket the namespace check took is the one cordon connects with (actFor), not
        // taken from the process a second time.
        var taken: (pidfd: Int32, sock: Int32)?
        if !datagram, direct != nil, actsForProcess {
            switch hostSocketConnect(n, listener: listener, pid: pid, raw: raw) {
            case .refuse(let verdict): return verdict
            case .inside(let pidfd, let sock): taken = (pidfd, sock)
            case .notChecked: break
            }
        }
        func release() {
            if let t = taken {
                close(t.pidfd)
                close(t.sock)
            }
        }
        switch judge(raw, pid: pid, syscall: datagram ? "sendto" : nil) {
        case .stop(let errno):
            release()
            return .deny(errno)
        case .go(let target, let held, let unix):
            guard actsForProcess else {
                // Docker without CAP_SYS_PTRACE: checked, then the process's own call (said on
                // stderr at start: the address race is open there).
                if held >= 0 { close(held) }
                return .allow
            }
            let ids = unix && geteuid() == 0 ? Self.hostIDs(pid) : nil
            if unix && geteuid() == 0 && ids == nil {
                if held >= 0 { close(held) }
                release()
                return .deny(ENOENT)  // its /proc entry is gone: the process is gone
            }
            var payload: [UInt8] = []
            if datagram {
                let len = n.arg(2)
                guard len <= UInt64(Self.datagramLimit) else {
                    if held >= 0 { close(held) }
                    return .deny(EMSGSIZE)
                }
                if len > 0 {
                    guard let data = Self.readAll(pid: pid, at: n.arg(1), count: Int(len)) else {
                        if held >= 0 { close(held) }
                        return .deny(EFAULT)
                    }
                    payload = data
                }
            }
            return actFor(
                n, listener: listener, pid: pid, op: datagram ? 1 : 0, address: target, payload: payload,
                flags: datagram ? Int32(truncatingIfNeeded: n.arg(3)) : 0, holding: held, ids: ids, socket: taken)
        }
    }

    enum Judged {
        /// Make the call with this address (the checked copy, or "/proc/thread-self/fd/N" for a
        /// pathname unix socket, N held open until the call is made); `unix`: a unix peer.
        case go([UInt8], held: Int32, unix: Bool)
        case stop(Int32)
    }

    /// Judges one destination under the policy's network and records it: a connect event with
    /// the decision, and the endpoint in the run's summary.
    func judge(_ raw: [UInt8], pid: Int32, syscall: String?) -> Judged {
        let ep = Endpoint(sockaddr: raw)
        if network.privateNamespace && diagSocket < 0 && ep.pathname == nil && ep.reachesHostWithoutNamespace {
            // `network: none` without a network namespace (mode landlock): loopback and the abstract
            // unix namespace are the host's, and cordon's call is made outside the Landlock domain,
            // whose TCP rules and abstract-socket scope bind only the process. Making it would hand
            // the process the host's services (a connect the process itself was refused).
            let why = "network none without a network namespace: this address is the host's"
            record(ep, pid: pid, syscall: syscall, refusal: EACCES, why: why)
            return .stop(EACCES)
        }
        if !network.privateNamespace && ep.family == "unix" && (ep.address ?? "").hasPrefix("@") {
            // `network: allow-list` shares the host's network namespace, and with it the abstract
            // unix namespace: a D-Bus or X11 `@` socket of the host's. Landlock's abstract-socket
            // scope (ABI 6) refuses those to the process itself, but cordon makes each allowed
            // call from outside the Landlock domain (so neither the address nor the socket can be
            // swapped after the check), where the scope does not bind, and nothing tells who bound
            // a name in a shared namespace. Fail closed.
            let why =
                "abstract unix sockets are the host's under network allow-list (a shared namespace); network none or domains gives the command its own"
            record(ep, pid: pid, syscall: syscall, refusal: EACCES, why: why)
            return .stop(EACCES)
        }
        guard let path = ep.pathname else {
            let allowed = network.allows(ep)
            record(ep, pid: pid, syscall: syscall, refusal: allowed ? nil : network.refusal, why: nil)
            return allowed ? .go(raw, held: -1, unix: ep.family == "unix") : .stop(network.refusal)
        }
        switch unixSocket(path, pid: pid) {
        case .reach(let fd, let why):
            record(ep, pid: pid, syscall: syscall, refusal: nil, why: why)
            return .go(Self.unixAddress(viaDescriptor: fd), held: fd, unix: true)
        case .refuse(let errno, let why):
            record(ep, pid: pid, syscall: syscall, refusal: errno, why: why)
            return .stop(errno)
        case .fail(let errno):
            // The path is not there (ENOENT), not a socket (ECONNREFUSED), not searchable: the
            // answer the process's own call would get, no decision of ours.
            record(ep, pid: pid, syscall: syscall, refusal: nil, why: nil, errno: errno)
            return .stop(errno)
        }
    }

    func record(_ ep: Endpoint, pid: Int32, syscall: String?, refusal: Int32?, why: String?, errno: Int32? = nil) {
        var fields: [(String, JSONValue)] = [("pid", .number(Double(pid))), ("family", .string(ep.family))]
        if let syscall { fields.append(("syscall", .string(syscall))) }
        fields.append(("address", .string(ep.address ?? ep.family)))
        if let p = ep.port { fields.append(("port", .number(Double(p)))) }
        if let why { fields.append(("reason", .string(why))) }
        if let errno { fields.append(("errno", .number(Double(errno)))) }
        let kind = refusal == nil ? DecisionKind.allow : DecisionKind.block
        fields.append(("decision", .string(kind.rawValue)))
        sink.monitorObserved(.connect, fields)
        summary.endpoint(ep.description, denied: refusal != nil)
    }

    /// Takes the process's socket and makes the call with `address` (cs_act_for answers).
    /// `holding` (an O_PATH descriptor the address names, or -1) is closed either way.
    func actFor(
        _ n: cs_notif, listener: Int32, pid: Int32, op: Int32, address: [UInt8], payload: [UInt8], flags: Int32,
        holding: Int32, ids: [UInt32]?, socket taken: (pidfd: Int32, sock: Int32)? = nil,
        message: (control: [UInt8], lengthAt: UInt64)? = nil
    ) -> Verdict {
        var holding = holding
        var got = taken
        defer {
            if holding >= 0 { close(holding) }
            if let g = got {
                close(g.pidfd)
                if g.sock >= 0 { close(g.sock) }
            }
        }
        if got == nil {
            guard let t = takeSocket(n, listener: listener, pid: pid) else { return .deny(ENOENT) }
            if t.sock < 0 {
                got = (t.pidfd, -1)
                return .deny(-t.sock)
            }
            got = t
        }
        guard let (pidfd, sock) = got else { return .deny(ENOENT) }
        // cs_act_for takes the socket and the O_PATH descriptor (it closes them once the call is
        // made, maybe later on a thread): they must outlive this function.
        got = (pidfd, -1)
        let keep = holding
        holding = -1
        let control = message?.control ?? []
        let r = address.withUnsafeBytes { a in
            payload.withUnsafeBytes { p in
                control.withUnsafeBytes { c in
                    var msg = cs_act_message(
                        control: c.baseAddress, controllen: c.count, pidfd: pidfd, pid: pid,
                        len_addr: message?.lengthAt ?? 0)
                    return withUnsafePointer(to: &msg) { m in
                        let mp = message == nil ? nil : m
                        guard let ids else {
                            return cs_act_for(
                                listener, n.id, op, sock, a.baseAddress, UInt32(a.count), p.baseAddress, p.count, flags,
                                keep, nil, mp)
                        }
                        return ids.withUnsafeBufferPointer {
                            cs_act_for(
                                listener, n.id, op, sock, a.baseAddress, UInt32(a.count), p.baseAddress, p.count, flags,
                                keep, $0.baseAddress, mp)
                        }
                    }
                }
            }
        }
        if r < 0 && r != -ENOENT { return .fatal("SECCOMP_IOCTL_NOTIF_SEND: \(Errno(-r))") }
        return .answered
    }

    /// The process's socket (argument 0) as cordon's own descriptor, with a pidfd of the process;
    /// sock < 0 is -errno. nil: the process is gone.
    func takeSocket(_ n: cs_notif, listener: Int32, pid: Int32) -> (pidfd: Int32, sock: Int32)? {
        var pidfd = cs_pidfd_open(pid)
        // The notification names the calling thread: pidfd_open refuses a thread that is not its
        // group's leader (ENOENT, EINVAL before 6.x), so every connect from a second thread failed with ENOENT. A
        // thread's own pidfd (PIDFD_THREAD) makes pidfd_getfd read that thread's descriptor
        // table, the one its call uses even after unshare(CLONE_FILES).
        if pidfd == -EINVAL || pidfd == -ENOENT { pidfd = cs_pidfd_open_thread(pid) }
        guard pidfd >= 0 else { return nil }
        let sock = cs_pidfd_getfd(pidfd, Int32(truncatingIfNeeded: n.arg(0)))
        // The pid could have died and been reused between the notification and pidfd_open: the
        // notification still pending means the descriptor is the caller's.
        guard stillValid(listener, n.id) else {
            if sock >= 0 { close(sock) }
            close(pidfd)
            return nil
        }
        return (pidfd, sock >= 0 ? sock : -(-sock == EPERM ? EBADF : -sock))
    }

    enum UnixReach {
        /// Connect through this O_PATH descriptor; the reason for the record.
        case reach(Int32, String)
        case refuse(Int32, String)
        case fail(Int32)
    }

    /// Whether a pathname unix socket may be reached from inside the sandbox.
    func unixSocket(_ path: String, pid: Int32) -> UnixReach {
        if rootFD < 0 && path.hasPrefix("/") { rootFD = open("/proc/\(pid)/root", oPath | O_DIRECTORY | O_CLOEXEC) }
        let fd = cs_open_exec_target(pid, rootFD, atCurrentDirectory, path, 0)
        guard fd >= 0 else { return .fail(-fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK else {
            close(fd)
            return .fail(ECONNREFUSED)
        }
        if listedSocket(st, pid: pid) { return .reach(fd, "listed in sandbox.unix_sockets") }
        // Host network: a socket's namespace says nothing about who bound it, and no limit on
        // unix sockets is promised there (docs/monitor.md).
        guard network.privateNamespace else { return .reach(fd, "network shared with the host") }
        guard diagSocket >= 0 else {
            close(fd)
            // Without the sandbox's own network namespace cordon cannot tell a socket bound
            // inside from a host service's: fail closed.
            return .refuse(
                EACCES, "not listed in sandbox.unix_sockets, and cordon cannot tell who bound it (no network namespace)"
            )
        }
        let here = cs_unix_bound_here(diagSocket, UInt64(st.st_dev), UInt64(st.st_ino))
        if here == 1 { return .reach(fd, "bound inside the sandbox") }
        close(fd)
        if here < 0 {
            return .refuse(EACCES, "sock_diag failed (\(Errno(-here))): refused, not known to be the sandbox's")
        }
        return .refuse(EACCES, "a socket bound outside the sandbox, not listed in sandbox.unix_sockets")
    }

    /// A `sandbox.unix_sockets` entry names this file (resolved in the sandbox's root, so a
    /// symlink in the list or on the way is followed the way connect follows it).
    func listedSocket(_ st: stat, pid: Int32) -> Bool {
        for p in policy.sandbox.unixSockets {
            let fd = cs_open_exec_target(pid, rootFD, atCurrentDirectory, p, 0)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var other = stat()
            if fstat(fd, &other) == 0 && other.st_dev == st.st_dev && other.st_ino == st.st_ino { return true }
        }
        return false
    }

    /// sockaddr_un for "/proc/thread-self/fd/N": connecting through it reaches the socket file
    /// that N was opened on, whatever is at the original path by then. thread-self, not self:
    /// the thread making the call may have taken on the process's ids, and /proc/self (the main
    /// thread, root) would then refuse it the magic link.
    static func unixAddress(viaDescriptor fd: Int32) -> [UInt8] {
        let path = Array("/proc/thread-self/fd/\(fd)".utf8)
        return [UInt8(AF_UNIX & 0xff), UInt8(AF_UNIX >> 8)] + path + [0]
    }

    /// The process's effective uid and gid and its groups as the host sees them (/proc/PID/status):
    /// [uid, gid, n, group...].
    static func hostIDs(_ pid: Int32) -> [UInt32]? {
        guard let raw = ProcessView.readFile("/proc/\(pid)/status") else { return nil }
        var uid: UInt32?
        var gid: UInt32?
        var groups: [UInt32] = []
        for line in String(decoding: raw, as: UTF8.self).split(separator: "\n") {
            let f = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard let key = f.first else { continue }
            switch key {
            case "Uid:" where f.count > 2: uid = UInt32(f[2])
            case "Gid:" where f.count > 2: gid = UInt32(f[2])
            case "Groups:": groups = f.dropFirst().compactMap { UInt32($0) }
            default: continue
            }
        }
        guard let uid, let gid else { return nil }
        return [uid, gid, UInt32(groups.count)] + groups
    }

    /// Reads `count` bytes of the process's memory (process_vm_readv), nil if any is unreadable.
    static func readAll(pid: Int32, at addr: UInt64, count: Int) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: count)
        let n = buf.withUnsafeMutableBytes { cs_read_mem(pid, addr, $0.baseAddress, count) }
        return n == count ? buf : nil
    }
}

extension Endpoint {
    /// Everything but an unnamed unix address (which the kernel refuses itself) names a peer in
    /// the network namespace: with no namespace of the sandbox's own, the host's.
    var reachesHostWithoutNamespace: Bool {
        !(family == "unix" && (address ?? "").isEmpty)
    }

    /// The path of a pathname unix socket address; nil for abstract and unnamed ones.
    var pathname: String? {
        guard family == "unix", let a = address, !a.isEmpty, !a.hasPrefix("@") else { return nil }
        return a
    }
}
