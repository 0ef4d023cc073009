// sendmsg and sendmmsg (security issue B.5/B.6): their destination (msg_name) sits in a struct
// in memory, out of BPF's reach, so with any network but `host` the filter sends every one here.
// On a stream socket the kernel never uses msg_name to reach a new peer (TCP ignores it without
// MSG_FASTOPEN, which the deny list refuses; a unix stream answers EOPNOTSUPP; seqpacket drops
// it), so those continue in the kernel. On a datagram or raw socket the destination is judged
// like a connect's, and cordon sends the message itself from its own copy of the name, the data
// and the ancillary data (ConnectForProcess): a process that rewrote msg_name after the check
// would otherwise reach any address, and with `network: none` a host service's unix datagram
// socket. A sendmmsg sends its first message this way and returns 1, which its contract allows
// (the caller sends the rest again, glibc's resolver does).
import CSandbox
import CordonBase
import Glibc

extension Monitor {
    /// msghdr on this ABI: name, namelen, iov, iovlen, control, controllen, flags (56 bytes).
    static let msghdrSize = 56
    /// mmsghdr: a msghdr then msg_len (unsigned int), padded to 64 bytes.
    static let mmsghdrLengthOffset: UInt64 = 56

    func message(_ n: cs_notif, listener: Int32, many: Bool) -> Verdict {
        let pid = Int32(bitPattern: n.pid)
        // sendmmsg with no messages sends nothing: nothing to judge.
        if many && n.arg(2) == 0 { return .allow }
        guard let t = takeSocket(n, listener: listener, pid: pid) else { return .deny(ENOENT) }
        var pidfd = t.pidfd
        var sock = t.sock
        defer {
            if sock >= 0 { close(sock) }
            if pidfd >= 0 { close(pidfd) }
        }
        guard sock >= 0 else { return .deny(-sock) }
        let type = Self.socketOption(sock, SO_TYPE)
        // Not a socket: the kernel's own answer (ENOTSOCK) is all that continuing gives.
        guard let type else { return .allow }
        if type == Int32(SOCK_STREAM.rawValue) || type == Int32(SOCK_SEQPACKET.rawValue) { return .allow }
        let unix = Self.socketOption(sock, SO_DOMAIN) == AF_UNIX

        let header = n.arg(1)
        guard let h = ProcessView.bytes(pid: pid, at: header, count: Self.msghdrSize) else { return .deny(EFAULT) }
        let nameAt = Self.word(h, 0)
        let nameLen = UInt64(Self.word(h, 8) & 0xffff_ffff)
        let iovAt = Self.word(h, 16)
        let iovCount = Self.word(h, 24)
        let controlAt = Self.word(h, 32)
        let controlLen = Self.word(h, 40)
        // The kernel's own limits: UIO_MAXIOV vectors, sockaddr_storage, INT_MAX of ancillary data
        // (cordon takes 64 KiB: more is refused, never sent unchecked).
        guard nameLen <= 128 else { return .deny(EINVAL) }
        guard iovCount <= 1024 else { return .deny(EMSGSIZE) }
        guard controlLen <= 65536 else { return .deny(ENOBUFS) }
        var name: [UInt8] = []
        if nameAt != 0 && nameLen > 0 {
            guard let r = ProcessView.bytes(pid: pid, at: nameAt, count: Int(nameLen)) else { return .deny(EFAULT) }
            name = r
        }
        guard let payload = gather(pid: pid, iov: iovAt, count: Int(iovCount)) else { return .deny(EFAULT) }
        guard payload.count <= Self.datagramLimit else { return .deny(EMSGSIZE) }
        var control: [UInt8] = []
        if controlAt != 0 && controlLen > 0 {
            guard let c = Self.readAll(pid: pid, at: controlAt, count: Int(controlLen)) else { return .deny(EFAULT) }
            control = c
        }
        guard stillValid(listener, n.id) else { return .deny(ENOENT) }

        var target: [UInt8] = []
        var held: Int32 = -1
        if !name.isEmpty {
            switch judge(name, pid: pid, syscall: many ? "sendmmsg" : "sendmsg") {
            case .stop(let errno): return .deny(errno)
            case .go(let t, let h, _): (target, held) = (t, h)
            }
        }
        let ids = unix && geteuid() == 0 ? Self.hostIDs(pid) : nil
        if unix && geteuid() == 0 && ids == nil {
            if held >= 0 { close(held) }
            return .deny(ENOENT)
        }
        let taken = (pidfd: pidfd, sock: sock)
        (pidfd, sock) = (-1, -1)  // actFor owns them now
        return actFor(
            n, listener: listener, pid: pid, op: 2, address: target, payload: payload,
            flags: Int32(truncatingIfNeeded: n.arg(many ? 3 : 2)), holding: held, ids: ids, socket: taken,
            message: (control, many ? header + Self.mmsghdrLengthOffset : 0))
    }

    /// The bytes an iovec array names, joined (a datagram is one message whatever its pieces).
    func gather(pid: Int32, iov: UInt64, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        guard let vec = Self.readAll(pid: pid, at: iov, count: count * 16) else { return nil }
        var out: [UInt8] = []
        for i in 0..<count {
            let base = Self.word(vec, i * 16)
            let len = Self.word(vec, i * 16 + 8)
            guard len > 0 else { continue }
            guard UInt64(out.count) + len <= UInt64(Self.datagramLimit) else {
                return out + [UInt8](repeating: 0, count: Self.datagramLimit + 1 - out.count)
            }
            guard let part = Self.readAll(pid: pid, at: base, count: Int(len)) else { return nil }
            out += part
        }
        return out
    }

    static func word(_ b: [UInt8], _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(b[at + i]) << (8 * UInt64(i)) }
        return v
    }

    static func socketOption(_ fd: Int32, _ option: Int32) -> Int32? {
        var v: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, option, &v, &len) == 0 ? v : nil
    }
}
