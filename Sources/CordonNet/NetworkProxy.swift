// cordon's filtering proxy for `sandbox.network: domains`. It runs in the cordon process, in
// the host's network namespace, on threads it owns: one accept loop over the two listening
// sockets the sandbox bound on its own loopback (127.0.0.1:3128 HTTP, :1080 SOCKS5, handed
// out before the command ran), and one thread per connection while it lives. The monitor's
// thread never waits for it. Decisions are on the host NAME the client asked for (CONNECT host,
// absolute-form URL host, SOCKS5 domain name), never an address the sandbox resolved; TLS is
// not terminated, so what is decided is the CONNECT host (a client that sends another name in
// SNI or Host inside the tunnel, "domain fronting", reaches whatever the allowed server routes
// it to: the decision is which server, not which site behind it).
import CSandbox
import CordonBase
import Glibc

public struct ProxyLimits: Sendable {
    /// Connections handled at once; past it the listeners are not accepted from, so new
    /// connections wait in the kernel's backlog (backpressure, not refusal).
    public var maxConnections = 256
    /// Seconds to receive the request (head or SOCKS handshake).
    public var requestTimeout = 15.0
    /// Seconds to resolve and connect to the server.
    public var connectTimeout = 15.0
    /// Seconds without a byte either way before a relayed connection is closed.
    public var idleTimeout = 300.0
    /// Bytes buffered per direction per connection.
    public var bufferSize = 1 << 20
    public init() {}
}

/// One decided request: what the evidence records (gate.log once per new host, port and
/// decision; a trace `connect` event every time).
public struct ProxyEvent: Sendable, Equatable {
    public var via: ProxyRequest.Kind
    public var host: String
    public var port: Int
    /// `.allow` (connected, or tried to) or `.deny` (refused by the proxy).
    public var decision: HostVerdict
    public var rule: String
    public var reason: String
    /// The server address connected to, when it got that far.
    public var address: String?
    /// Why the connection failed after an allow (resolution, connect), if it did.
    public var error: String?
    /// The first event for this host, port and decision in the run.
    public var first = false
}

public enum ProxyAnswer: Sendable, Equatable {
    case approved
    case rejected(String)
}

/// Where the proxy reports, from its connection threads (the observer must be thread-safe).
public protocol ProxyObserver: AnyObject, Sendable {
    func proxyDecided(_ event: ProxyEvent)
    /// An `ask` host's first request: blocks this connection's thread until a person decides
    /// (or the run stops: `stopping` turns true). Other connections keep flowing.
    func proxyAsk(host: String, port: Int, rule: String, stopping: @escaping @Sendable () -> Bool) -> ProxyAnswer
}

/// Per-host counts for `run_end`'s summary.
public struct HostCount: Sendable, Equatable {
    public var connections = 0
    public var refused = 0
    public var bytesUp = 0
    public var bytesDown = 0
}

public final class NetworkProxy: @unchecked Sendable {
    let rules: DomainRules
    let observer: ProxyObserver
    let limits: ProxyLimits

    struct State {
        var active = 0
        var stopping = false
        /// Every socket a connection thread holds, shut down on stop so relays end at once.
        var open: Set<Int32> = []
        var seen: Set<String> = []
        var hosts: [String: HostCount] = [:]
        /// `ask` hosts: nil unasked, pending while a person decides, then the answer for the run.
        var asked: [String: ProxyAnswer?] = [:]
    }
    let state = Locked(State())
    var listeners: [(fd: Int32, kind: ProxyRequest.Kind)] = []
    /// The sandbox's DNS socket (UDP, bound in its namespace), answered on the accept loop; -1.
    var dnsSocket: Int32 = -1
    /// The addresses the sandbox's DNS gave out, and the names they stand for.
    public let names = SandboxNames()
    var wakeR: Int32 = -1
    var wakeW: Int32 = -1
    var acceptThread: pthread_t?

    public init(rules: DomainRules, observer: ProxyObserver, limits: ProxyLimits = ProxyLimits()) {
        self.rules = rules
        self.observer = observer
        self.limits = limits
    }

    /// Starts accepting on the two listening sockets, and answering the sandbox's DNS on `dns`
    /// when it is one (the proxy owns and closes them all).
    public func start(http: Int32, socks: Int32, dns: Int32 = -1) throws(ProxyError) {
        listeners = [(http, .http), (socks, .socks)]
        for l in listeners { Sockets.setNonBlocking(l.fd) }
        dnsSocket = dns
        var p: [Int32] = [-1, -1]
        let r = cs_pipe_cloexec(&p)
        guard r == 0 else { throw ProxyError("proxy: pipe", errno: Errno(-r)) }
        (wakeR, wakeW) = (p[0], p[1])
        Sockets.setNonBlocking(wakeW)
        guard let t = ProxyThread.start(detached: false, { [self] in acceptLoop() }) else {
            throw ProxyError("proxy: starting its thread", errno: .current)
        }
        acceptThread = t
    }

    /// Stops accepting, ends every connection, and returns once the threads are done (or
    /// after two seconds, leaving any stuck in getaddrinfo to end on their own).
    public func stop() {
        let fds = state.with { s -> Set<Int32> in
            s.stopping = true
            return s.open
        }
        if wakeW >= 0 {
            var one: UInt8 = 1
            _ = write(wakeW, &one, 1)
        }
        if let t = acceptThread {
            pthread_join(t, nil)
            acceptThread = nil
        }
        for fd in fds { shutdown(fd, Int32(SHUT_RDWR)) }
        let deadline = Sockets.now() + 2
        while state.with({ $0.active }) > 0 && Sockets.now() < deadline {
            let more = state.with { $0.open }
            for fd in more { shutdown(fd, Int32(SHUT_RDWR)) }
            usleep(5000)
        }
        for l in listeners { close(l.fd) }
        listeners = []
        if dnsSocket >= 0 { close(dnsSocket) }
        dnsSocket = -1
        if wakeR >= 0 { close(wakeR) }
        if wakeW >= 0 { close(wakeW) }
        wakeR = -1
        wakeW = -1
    }

    /// What each host got in this run.
    public var hostCounts: [String: HostCount] { state.with { $0.hosts } }

    var stopping: Bool { state.with { $0.stopping } }

    func acceptLoop() {
        while true {
            let room = state.with { $0.active < limits.maxConnections }
            // The DNS socket second: a question is answered from memory, never waits on a slot.
            var fds = [
                pollfd(fd: wakeR, events: Int16(POLLIN), revents: 0),
                pollfd(fd: dnsSocket, events: Int16(POLLIN), revents: 0),
            ]
            if room { fds += listeners.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) } }
            // Full: look again every 50 ms for a freed slot; the backlog holds the rest.
            let r = poll(&fds, nfds_t(fds.count), room ? -1 : 50)
            if r < 0 && errno != EINTR { return }
            if fds[0].revents != 0 || stopping { return }
            if fds[1].revents != 0 { answerDNS() }
            for (i, l) in listeners.enumerated() where room && fds[i + 2].revents & Int16(POLLIN) != 0 {
                let c = cs_accept_cloexec(l.fd)
                if c < 0 { continue }
                let admitted = state.with { s -> Bool in
                    guard !s.stopping, s.active < limits.maxConnections else { return false }
                    s.active += 1
                    s.open.insert(c)
                    return true
                }
                guard admitted else {
                    close(c)
                    continue
                }
                let kind = l.kind
                let started = ProxyThread.start(detached: true) { [self] in serve(c, kind) }
                if started == nil { finish([c]) }
            }
        }
    }

    /// Closes a connection's sockets and frees its slot.
    func finish(_ fds: [Int32]) {
        state.with { s in
            for fd in fds { s.open.remove(fd) }
            s.active -= 1
        }
        for fd in fds { close(fd) }
    }

    func track(_ fd: Int32) -> Bool {
        state.with { s in
            guard !s.stopping else { return false }
            s.open.insert(fd)
            return true
        }
    }

    /// Records an event: counts per host, and whether it is the first of its kind.
    func report(_ e: ProxyEvent, moved: Relay.Moved? = nil) {
        var e = e
        e.first = state.with { s in
            var c = s.hosts[e.host] ?? HostCount()
            if e.decision == .allow && e.error == nil { c.connections += 1 } else { c.refused += 1 }
            if let m = moved {
                c.bytesUp += m.up
                c.bytesDown += m.down
            }
            // Bounded like the monitor's summary: a run naming ever new hosts must not grow
            // cordon's memory without bound.
            if s.hosts[e.host] != nil || s.hosts.count < 1024 { s.hosts[e.host] = c }
            let key = "\(e.host):\(e.port):\(e.decision.rawValue)"
            if s.seen.contains(key) || s.seen.count >= 4096 { return false }
            s.seen.insert(key)
            return true
        }
        observer.proxyDecided(e)
    }

    func addBytes(_ host: String, _ m: Relay.Moved) {
        state.with { s in
            guard var c = s.hosts[host] else { return }
            c.bytesUp += m.up
            c.bytesDown += m.down
            s.hosts[host] = c
        }
    }
}

public struct ProxyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ what: String, errno: Errno? = nil) {
        message = errno.map { "\(what): \($0)" } ?? what
    }
    public var description: String { message }
}
