// `network: domains` without the proxy variables: the sandbox's own DNS and TCP connects, for
// tools that never read HTTP_PROXY (a Python `socket.create_connection`, ssh, a Go binary
// built without proxy support) and for bulk transfers, whose bytes then never pass through
// cordon. The decision is the same one the proxy makes, on the same name:
//
// 1. DNS. The sandbox's resolver reaches cordon's UDP socket (bound on 0.0.0.0:53 in the
//    sandbox's namespace; the host's nameservers are addresses of its `lo`). A name the policy
//    refuses gets NXDOMAIN; one it allows or asks about gets an address of cordon's own
//    (SandboxNames, 198.18.0.0/15). No question is forwarded to any resolver.
// 2. connect(). The monitor sees the process connect to that address, and hands the name here
//    (Monitor.connectDirect): cordon decides (asking a person for an `ask` host), resolves the
//    name in the host's namespace, refuses loopback/private/link-local results unless the host
//    is listed exactly, connects, and the monitor installs the connected socket in place of the
//    process's (SECCOMP_ADDFD_FLAG_SETFD) before answering the connect with 0.
//
// So a connection by name is decided by the name the sandbox asked its DNS for, as with a
// CONNECT; the sandbox never learns or reaches a real address it was not given a socket to.
import CSandbox
import CordonBase
import Glibc

extension NetworkProxy {
    /// Answers the questions waiting on the DNS socket (at most 64 per wake-up, so the
    /// listeners are not starved by a flood).
    func answerDNS() {
        var buf = [UInt8](repeating: 0, count: 1500)
        for _ in 0..<64 {
            var from: UInt32 = 0
            var port: UInt16 = 0
            var to: UInt32 = 0
            let n = buf.withUnsafeMutableBytes { cs_dgram_recv(dnsSocket, $0.baseAddress, $0.count, &from, &port, &to) }
            if n == -EMSGSIZE { continue }  // larger than any question: dropped
            if n < 0 { return }
            let reply = answer(Array(buf[0..<Int(n)]))
            if reply.isEmpty { continue }
            _ = reply.withUnsafeBytes { cs_dgram_send(dnsSocket, $0.baseAddress, $0.count, from, port, to) }
        }
    }

    /// The answer to one datagram (empty: none).
    func answer(_ datagram: [UInt8]) -> [UInt8] {
        let q: DNSMessage.Question
        switch DNSMessage.parse(datagram) {
        case .reply(let r): return r
        case .question(let question): q = question
        }
        guard let name = q.name, q.qclass == DNSMessage.classIN else {
            return DNSMessage.answer(q, code: .refused)
        }
        let d = rules.decide(name)
        if d.verdict == .deny {
            // Recorded like a refused CONNECT (gate.log once per name, a trace event each time):
            // port 53, since the question is all there was.
            let why =
                d.rule == "unlisted"
                ? "\(name) is not in sandbox.network_domains"
                : "\(name) is refused by sandbox.network_domains (\(d.rule))"
            report(ProxyEvent(via: .dns, host: name, port: 53, decision: .deny, rule: d.rule, reason: why))
            return DNSMessage.answer(q, code: .nameError)
        }
        // Only A records: the address is cordon's, IPv4. AAAA and other types get "no record"
        // (the name exists), so a resolver asking for both uses the A answer.
        guard q.type == DNSMessage.typeA else { return DNSMessage.answer(q, code: .noError) }
        guard let address = names.address(for: name) else { return DNSMessage.answer(q, code: .serverFailure) }
        return DNSMessage.answer(q, code: .noError, address: address)
    }

    /// The host a TCP connect to `address` (4 or 16 bytes) stands for: the name the sandbox's
    /// DNS gave this address for, or the address literal itself when an entry of the policy
    /// names it exactly. nil: not a way out (loopback stays the sandbox's own).
    public func host(for address: [UInt8]) -> String? {
        var a = address
        if a.count == 16, a[0..<10].allSatisfy({ $0 == 0 }), a[10] == 0xff, a[11] == 0xff { a = Array(a[12...]) }
        if let name = names.name(for: a) { return name }
        if AddressClass.of(a) == .loopback || AddressClass.of(a) == .unusable { return nil }
        let text = Sockets.text(a, family: a.count == 4 ? AF_INET : AF_INET6)
        let d = rules.decide(text)
        return d.verdict != .deny && d.explicit ? text : nil
    }

    /// Decides on `host`, resolves it here and connects a socket of `family` (AF_INET or
    /// AF_INET6) to it, blocking up to the connect timeout (called on a thread of its own,
    /// never the monitor's). The connected socket, or the errno the process's connect gets:
    /// EACCES when the policy (or a person) refused, the connect's own error otherwise.
    public func openDirect(host: String, port: Int, family: Int32) -> Result<Int32, Errno> {
        let admitted = state.with { s -> Bool in
            guard !s.stopping else { return false }
            s.active += 1
            return true
        }
        guard admitted else { return .failure(Errno(ECONNABORTED)) }
        defer { state.with { $0.active -= 1 } }
        let req = ProxyRequest(kind: .direct, host: host, port: port)
        let decided = decide(req)
        guard decided.verdict == .allow else {
            report(
                ProxyEvent(
                    via: .direct, host: host, port: port, decision: .deny, rule: decided.rule, reason: decided.reason))
            return .failure(Errno(EACCES))
        }
        var event = ProxyEvent(
            via: .direct, host: host, port: port, decision: .allow, rule: decided.rule, reason: decided.reason)
        let addresses: [Sockets.Resolved]
        switch Sockets.resolve(host, port: port) {
        case .failure(let why):
            event.error = "cannot resolve \(host): \(why.message)"
            report(event)
            return .failure(Errno(EHOSTUNREACH))
        case .success(let list): addresses = list
        }
        // The same refusal as the proxy's: a name (or rebinding) leading to the host's own
        // services or the local network needs an exact entry.
        let (usable, unusable) = Self.usable(addresses, host: host, explicit: decided.explicit)
        if let why = unusable {
            report(
                ProxyEvent(via: .direct, host: host, port: port, decision: .deny, rule: "local-address", reason: why))
            return .failure(Errno(EACCES))
        }
        let deadline = Sockets.now() + limits.connectTimeout
        var lastError = Errno(EHOSTUNREACH)
        for a in usable where !stopping {
            // The process made a socket of its family: an IPv6 one gets IPv4 servers as mapped
            // addresses, so getpeername and getsockname keep the family it expects.
            guard let target = Self.address(a, for: family, port: port) else { continue }
            switch Sockets.connect(target, until: deadline) {
            case .success(let fd):
                event.address = a.text
                report(event)
                return .success(fd)
            case .failure(let e): lastError = e
            }
        }
        event.error = "connect \(host):\(port): \(lastError)"
        report(event)
        return .failure(lastError)
    }

    /// `r` (resolved for `port`) as an address a socket of `family` connects to; nil when it
    /// cannot (IPv6 for an IPv4 socket).
    static func address(_ r: Sockets.Resolved, for family: Int32, port: Int) -> Sockets.Resolved? {
        if r.family == family { return r }
        guard family == AF_INET6, r.address.count == 4 else { return nil }
        var m = Sockets.literal([UInt8](repeating: 0, count: 10) + [0xff, 0xff] + r.address, port: port)
        m.text = r.text
        return m
    }
}
