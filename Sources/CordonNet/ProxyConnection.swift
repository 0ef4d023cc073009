// One connection from the sandbox, on its own thread: read the request (HTTP or SOCKS5),
// decide on the host name, wait for a person when the host is `ask`, resolve and connect from
// the host's namespace (refusing loopback, private and link-local addresses the policy did not
// name exactly), answer the client, then relay.
import CordonBase
import Glibc

extension NetworkProxy {
    func serve(_ client: Int32, _ kind: ProxyRequest.Kind) {
        var held = [client]
        defer { finish(held) }
        let deadline = Sockets.now() + limits.requestTimeout
        guard let (asked, early) = readRequest(client, kind, until: deadline) else { return }
        var req = asked
        // An address the sandbox's DNS gave out (a client that resolved the name itself, such as
        // `socks5://` or a CONNECT to the address) stands for its name: decided, resolved and
        // logged as that name, never as the address (which leads nowhere outside).
        if let bytes = AddressClass.literal(req.host), let name = names.name(for: bytes) { req.host = name }
        let decided = decide(req)
        guard decided.verdict == .allow else {
            refuse(client, req, rule: decided.rule, reason: decided.reason)
            return
        }
        // The name is resolved here, by cordon, never by the sandbox.
        let connectBy = Sockets.now() + limits.connectTimeout
        let addresses: [Sockets.Resolved]
        switch Sockets.resolve(req.host, port: req.port) {
        case .failure(let why):
            fail(
                client, req, rule: decided.rule, error: "cannot resolve \(req.host): \(why.message)",
                socks: SOCKS5.hostUnreachable)
            return
        case .success(let list): addresses = list
        }
        let (usable, unusable) = Self.usable(addresses, host: req.host, explicit: decided.explicit)
        if let why = unusable {
            refuse(client, req, rule: "local-address", reason: why)
            return
        }
        var server: Int32 = -1
        var used: Sockets.Resolved?
        var lastError = Errno(EHOSTUNREACH)
        for a in usable where server < 0 && !stopping {
            switch Sockets.connect(a, until: connectBy) {
            case .success(let fd):
                server = fd
                used = a
            case .failure(let e): lastError = e
            }
        }
        guard server >= 0, let used, track(server) else {
            if server >= 0 { close(server) }
            let code = lastError.rawValue == ECONNREFUSED ? SOCKS5.connectionRefused : SOCKS5.hostUnreachable
            fail(
                client, req, rule: decided.rule, error: "connect \(req.host):\(req.port): \(lastError)", socks: code)
            return
        }
        held.append(server)
        let replyBy = Sockets.now() + limits.requestTimeout
        let greeted: Bool
        switch req.kind {
        case .connect: greeted = Sockets.writeAll(client, HTTPHead.response(status: 200, ""), until: replyBy)
        case .socks: greeted = Sockets.writeAll(client, SOCKS5.reply(SOCKS5.succeeded), until: replyBy)
        case .http: greeted = Sockets.writeAll(server, req.forward, until: replyBy)
        case .direct, .dns: greeted = false  // never read from a proxy port (DirectConnect)
        }
        // Bytes the client sent right behind its request (a TLS ClientHello) belong upstream.
        let forwarded = greeted && (early.isEmpty || Sockets.writeAll(server, early, until: replyBy))
        var event = ProxyEvent(
            via: req.kind, host: req.host, port: req.port, decision: .allow, rule: decided.rule,
            reason: decided.reason, address: used.text)
        guard forwarded else {
            event.error = "the client or server went away before the relay started"
            report(event)
            return
        }
        report(event)
        let relay = Relay(
            client: client, server: server, idleTimeout: limits.idleTimeout, bufferSize: limits.bufferSize)
        let moved = relay.run(stop: { [self] in stopping })
        addBytes(req.host, moved)
    }

    /// The addresses of `host` cordon may connect to: public ones, and loopback, private and
    /// link-local ones only when an exact entry names the host (otherwise an allowed wildcard, or
    /// DNS rebinding of an allowed name, would reach the host's own services or the local
    /// network); with none, why not.
    static func usable(_ addresses: [Sockets.Resolved], host: String, explicit: Bool) -> (
        [Sockets.Resolved], String?
    ) {
        let usable = addresses.filter { a in
            let c = AddressClass.of(a.address)
            return c == .publicAddress || (c.isLocal && explicit)
        }
        guard usable.isEmpty else { return (usable, nil) }
        let classes = Set(addresses.map { AddressClass.of($0.address).rawValue }).sorted()
        let why =
            addresses.isEmpty
            ? "\(host) has no address"
            : "\(host) resolves to a \(classes.joined(separator: "/")) address (\(addresses[0].text)), refused unless the policy lists this exact host"
        return ([], why)
    }

    struct Decided {
        var verdict: HostVerdict
        var rule: String
        var reason: String
        var explicit: Bool
    }

    /// The policy's decision, and for `ask` hosts the person's (once per host and run: later
    /// connections to the host wait for, then reuse, the first one's answer).
    func decide(_ req: ProxyRequest) -> Decided {
        let d = rules.decide(req.host)
        let host = DomainRules.normalise(req.host) ?? req.host
        switch d.verdict {
        case .allow:
            return Decided(verdict: .allow, rule: d.rule, reason: "listed", explicit: d.explicit)
        case .deny:
            let why =
                d.rule == "unlisted"
                ? "\(host) is not in sandbox.network_domains"
                : "\(host) is refused by sandbox.network_domains (\(d.rule))"
            return Decided(verdict: .deny, rule: d.rule, reason: why, explicit: false)
        case .ask:
            let mine = state.with { s -> Bool in
                if s.asked[host] == nil {
                    s.asked[host] = .some(nil)
                    return true
                }
                return false
            }
            var answer: ProxyAnswer?
            if mine {
                let a = observer.proxyAsk(
                    host: host, port: req.port, rule: d.rule, stopping: { [self] in stopping })
                state.with { $0.asked[host] = .some(a) }
                answer = a
            } else {
                while answer == nil && !stopping {
                    answer = state.with { $0.asked[host] ?? nil }
                    if answer == nil { usleep(20_000) }
                }
            }
            switch answer {
            case .approved:
                return Decided(verdict: .allow, rule: d.rule, reason: "approved", explicit: d.explicit)
            case .rejected(let why):
                return Decided(verdict: .deny, rule: d.rule, reason: "\(host): \(why)", explicit: false)
            case nil:
                return Decided(verdict: .deny, rule: d.rule, reason: "the run ended before approval", explicit: false)
            }
        }
    }

    /// The request, and any bytes the client sent after it; nil when there is none to serve
    /// (the client left, timed out, or sent something else: it got its answer then).
    func readRequest(_ fd: Int32, _ kind: ProxyRequest.Kind, until deadline: Double) -> (ProxyRequest, [UInt8])? {
        var buf: [UInt8] = []
        if kind == .socks {
            var greeted = false
            while true {
                if !greeted {
                    switch SOCKS5.greeting(buf) {
                    case .incomplete: break
                    case .accepted(let n):
                        buf.removeFirst(n)
                        guard Sockets.writeAll(fd, [5, 0], until: deadline) else { return nil }
                        greeted = true
                        continue
                    case .refused(let reply, _):
                        if !reply.isEmpty { _ = Sockets.writeAll(fd, reply, until: deadline) }
                        return nil
                    }
                } else {
                    switch SOCKS5.request(buf) {
                    case .incomplete: break
                    case .connect(let host, let port, let n):
                        return (ProxyRequest(kind: .socks, host: host, port: port), Array(buf[n...]))
                    case .refused(let code, _):
                        _ = Sockets.writeAll(fd, SOCKS5.reply(code), until: deadline)
                        return nil
                    }
                }
                guard buf.count < 1024, Sockets.readSome(fd, into: &buf, until: deadline) > 0 else { return nil }
            }
        }
        while true {
            switch HTTPHead.parse(buf) {
            case .incomplete:
                guard Sockets.readSome(fd, into: &buf, until: deadline) > 0 else { return nil }
            case .request(let r):
                if r.kind == .http { return (r, []) }  // the body came with `forward`
                let end = HTTPHead.headEnd(buf)?.end ?? buf.count
                return (r, Array(buf[end...]))
            case .bad(let status, let why):
                _ = Sockets.writeAll(fd, HTTPHead.response(status: status, why), until: deadline)
                return nil
            }
        }
    }

    /// A policy refusal: 403 (SOCKS: "not allowed by ruleset"), naming cordon and the rule.
    func refuse(_ fd: Int32, _ req: ProxyRequest, rule: String, reason: String) {
        report(ProxyEvent(via: req.kind, host: req.host, port: req.port, decision: .deny, rule: rule, reason: reason))
        let by = Sockets.now() + 2
        if req.kind == .socks {
            _ = Sockets.writeAll(fd, SOCKS5.reply(SOCKS5.notAllowed), until: by)
        } else {
            _ = Sockets.writeAll(
                fd,
                HTTPHead.response(status: 403, "refused \(req.host):\(req.port) (rule \(rule)): \(reason)", rule: rule),
                until: by)
        }
    }

    /// Allowed, but the server could not be reached: 502 (SOCKS: the matching REP code).
    func fail(_ fd: Int32, _ req: ProxyRequest, rule: String, error: String, socks code: UInt8) {
        report(
            ProxyEvent(
                via: req.kind, host: req.host, port: req.port, decision: .allow, rule: rule, reason: "listed",
                error: error))
        let by = Sockets.now() + 2
        if req.kind == .socks {
            _ = Sockets.writeAll(fd, SOCKS5.reply(code), until: by)
        } else {
            _ = Sockets.writeAll(fd, HTTPHead.response(status: 502, error), until: by)
        }
    }
}
