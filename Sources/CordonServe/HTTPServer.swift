// HTTP/1.1 over a listening socket through libevent's evhttp: the parsing, keep-alive,
// chunked bodies and timeouts are libevent's (a hand-written parser is where request smuggling
// and slowloris bugs live). Each worker thread runs its own event loop and evhttp on a dup of
// the one listening socket (the kernel hands each connection to one accept), and answers
// requests synchronously: a gate decision takes microseconds, so a loop per core is the
// concurrency, and nothing is shared between workers but the immutable policy.
import CEvent
import CordonBase
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query, e.g. `/api/runtime/inspect`.
    public var path: String
    public var query: String
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A header by its name in lower case.
    public func header(_ name: String) -> String? { headers[name] }
}

public struct HTTPResponse: Sendable {
    public var status: Int32
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int32, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public init(status: Int32, json: JSONValue) {
        self.init(status: status, body: Array((json.serialized() + "\n").utf8))
    }
}

/// Answers the requests of one worker thread (it is never called from two threads at once).
public protocol HTTPHandler: AnyObject {
    func handle(_ request: HTTPRequest) -> HTTPResponse
}

/// Bounds on what one client may send and how long it may take.
public struct HTTPLimits: Sendable {
    /// Larger bodies get 413 from evhttp before any handler runs.
    public var maxBody: Int = 1 << 20
    public var maxHeaders: Int = 16 << 10
    /// Seconds a connection may take to send a request or read an answer (slow clients, idle
    /// keep-alive connections): evhttp closes it then.
    public var timeout: Int32 = 30
    public init() {}
}

public final class HTTPServer: Sendable {
    let listener: Int32
    let limits: HTTPLimits
    let stopping = Atomic<Bool>(false)

    /// `listener`: a bound, listening socket (unix or TCP), owned by the caller.
    public init(listener: Int32, limits: HTTPLimits) {
        self.listener = listener
        self.limits = limits
    }

    /// Runs `handlers.count` workers until `stop()`; returns when every worker has finished the
    /// requests it had and sent their answers.
    public func run(handlers: [any HTTPHandler]) throws(SystemError) {
        let workers = try handlers.map { h throws(SystemError) in try Worker(server: self, handler: h) }
        var threads: [pthread_t] = []
        for w in workers {
            var t = pthread_t()
            let box = Unmanaged.passRetained(w).toOpaque()
            let rc = pthread_create(
                &t, nil,
                { arg in
                    guard let arg else { return nil }
                    let w = Unmanaged<Worker>.fromOpaque(arg).takeRetainedValue()
                    w.loop()
                    return nil
                }, box)
            if rc != 0 {
                Unmanaged<Worker>.fromOpaque(box).release()
                stop()
                for t in threads { pthread_join(t, nil) }
                throw SystemError("pthread_create", path: "http worker", errno: Errno(rc))
            }
            threads.append(t)
        }
        for t in threads { pthread_join(t, nil) }
    }

    /// Asks every worker to stop accepting and to finish (callable from any thread).
    public func stop() { stopping.store(true, ordering: .releasing) }
    var isStopping: Bool { stopping.load(ordering: .acquiring) }
}

/// One event loop with its evhttp; lives on its own thread.
final class Worker: @unchecked Sendable {
    let server: HTTPServer
    let handler: any HTTPHandler
    let base: OpaquePointer
    let http: OpaquePointer
    var socket: OpaquePointer?
    var ticker: OpaquePointer?

    init(server: HTTPServer, handler: any HTTPHandler) throws(SystemError) {
        self.server = server
        self.handler = handler
        guard let base = event_base_new() else {
            throw SystemError("event_base_new", path: "http worker", errno: Errno(ENOMEM))
        }
        guard let http = evhttp_new(base) else {
            event_base_free(base)
            throw SystemError("evhttp_new", path: "http worker", errno: Errno(ENOMEM))
        }
        self.base = base
        self.http = http
        evhttp_set_max_body_size(http, Int(server.limits.maxBody))
        evhttp_set_max_headers_size(http, Int(server.limits.maxHeaders))
        evhttp_set_timeout(http, server.limits.timeout)
        evhttp_set_allowed_methods(
            http, UInt16(EVHTTP_REQ_GET.rawValue | EVHTTP_REQ_POST.rawValue | EVHTTP_REQ_HEAD.rawValue))
        // Each worker gets its own descriptor: evhttp closes the socket it was given when freed.
        let fd = dup(server.listener)
        guard fd >= 0 else {
            let e = errno
            evhttp_free(http)
            event_base_free(base)
            throw SystemError("dup", path: "listening socket", errno: Errno(e))
        }
        _ = evutil_make_socket_nonblocking(fd)
        _ = evutil_make_socket_closeonexec(fd)
        socket = evhttp_accept_socket_with_handle(http, fd)
        if socket == nil {
            close(fd)
            evhttp_free(http)
            event_base_free(base)
            throw SystemError("evhttp_accept_socket", path: "listening socket", errno: Errno(EINVAL))
        }
    }

    func loop() {
        let me = Unmanaged.passUnretained(self).toOpaque()
        evhttp_set_gencb(
            http,
            { req, arg in
                guard let req, let arg else { return }
                Unmanaged<Worker>.fromOpaque(arg).takeUnretainedValue().serve(req)
            }, me)
        // A 50 ms tick notices stop(): a signal handler cannot safely touch libevent, and a
        // loop without evthread locking must only be driven from its own thread.
        ticker = event_new(
            base, -1, Int16(EV_PERSIST),
            { _, _, arg in
                guard let arg else { return }
                Unmanaged<Worker>.fromOpaque(arg).takeUnretainedValue().tick()
            }, me)
        var tv = timeval(tv_sec: 0, tv_usec: 50_000)
        if let ticker { event_add(ticker, &tv) }
        event_base_dispatch(base)
        if let ticker { event_free(ticker) }
        evhttp_free(http)
        event_base_free(base)
    }

    /// On stop: accept nothing more, then leave the loop once answers already written have had
    /// 300 ms to drain (handlers run to completion before the loop sees the tick).
    func tick() {
        guard server.isStopping, let s = socket else { return }
        evhttp_del_accept_socket(http, s)
        socket = nil
        var tv = timeval(tv_sec: 0, tv_usec: 300_000)
        event_base_loopexit(base, &tv)
    }

    func serve(_ req: OpaquePointer) {
        var request = HTTPRequest(method: Self.method(evhttp_request_get_command(req)), path: "/")
        if let uri = evhttp_request_get_uri(req) {
            let s = String(cString: uri)
            if let q = s.firstIndex(of: "?") {
                request.path = String(s[..<q])
                request.query = String(s[s.index(after: q)...])
            } else {
                request.path = s
            }
        }
        if let headers = evhttp_request_get_input_headers(req) {
            var h = headers.pointee.tqh_first
            while let kv = h {
                if let k = kv.pointee.key, let v = kv.pointee.value {
                    request.headers[String(cString: k).lowercased()] = String(cString: v)
                }
                h = kv.pointee.next.tqe_next
            }
        }
        if let input = evhttp_request_get_input_buffer(req) {
            let n = evbuffer_get_length(input)
            if n > 0 {
                request.body = [UInt8](unsafeUninitializedCapacity: n) { buf, count in
                    let got = evbuffer_copyout(input, buf.baseAddress, n)
                    count = got > 0 ? got : 0
                }
            }
        }
        let response = handler.handle(request)
        guard let out = evbuffer_new() else {
            evhttp_send_error(req, 500, nil)
            return
        }
        if let headers = evhttp_request_get_output_headers(req) {
            evhttp_add_header(headers, "Content-Type", response.contentType)
            evhttp_add_header(headers, "Cache-Control", "no-store")
        }
        response.body.withUnsafeBytes { b in _ = evbuffer_add(out, b.baseAddress, b.count) }
        evhttp_send_reply(req, response.status, Self.reason(response.status), out)
        evbuffer_free(out)
    }

    static func method(_ c: evhttp_cmd_type) -> String {
        switch c {
        case EVHTTP_REQ_GET: "GET"
        case EVHTTP_REQ_POST: "POST"
        case EVHTTP_REQ_HEAD: "HEAD"
        default: "OTHER"
        }
    }

    static func reason(_ status: Int32) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 500: "Internal Server Error"
        default: "Status"
        }
    }
}
