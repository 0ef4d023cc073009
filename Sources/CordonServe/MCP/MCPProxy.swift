// `cordon mcp-proxy -- SERVER...`: the MCP client starts cordon instead of the server, and
// cordon starts the server. Messages pass through as the bytes they were, except a `tools/call`
// the gate refuses (answered by cordon, never sent) and a `tools/list` answer with blocked
// tools left out. Nothing hangs on the server: when it exits, every call it had not answered
// gets a JSON-RPC error, later requests get one at once, and the proxy exits with its status.
import CordonBase
import CordonRun
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

public final class MCPProxy: Sendable {
    let gate: MCPGate
    let argv: [String]
    let client = LineWriter(fd: 1)
    struct State {
        /// Requests sent to the server and not answered yet: serialized id -> method.
        var pending: [String: String] = [:]
        /// Why the server can no longer answer, once it cannot.
        var gone: String?
        var readerDone = false
        /// The client closed stdin: `run` stops the server and returns.
        var clientDone = false
        /// The proxy's exit status when the server ended before the client closed stdin.
        var diedFirst: Int32?
    }
    let state = Mutex(State())

    /// The server as messages name it (its own command, also under --sandbox).
    let display: String

    public init(settings: MCPGateSettings, argv: [String], display: String) throws(RequestFailure) {
        gate = try MCPGate(settings)
        self.argv = argv
        self.display = display
    }

    /// Runs until the client closes stdin (exit 0 once the server has stopped) or the server
    /// exits (its status). `spawn` failures are exit 127 with the reason on stderr.
    public func run() -> Int32 {
        var toServer: [Int32] = [-1, -1]
        var fromServer: [Int32] = [-1, -1]
        // Close-on-exec set right after pipe(): nothing else is spawned concurrently here, and
        // the server must not inherit the ends it does not use (it would never see EOF).
        guard pipe(&toServer) == 0, pipe(&fromServer) == 0 else {
            say("cannot create pipes: \(Errno.current)")
            return 125
        }
        for fd in toServer + fromServer { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, toServer[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromServer[1], 1)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        SpawnAttributes.resetSignals(&attr)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, &cargs, environ)
        for p in cargs { free(p) }
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attr)
        close(toServer[0])
        close(fromServer[1])
        guard rc == 0 else {
            say("cannot start the MCP server '\(argv[0])': \(Errno(rc))")
            return rc == ENOENT ? 127 : 126
        }
        let server = LineWriter(fd: toServer[1])
        let reader = LineReader(fd: fromServer[0])
        Thread.start { self.pumpServer(reader) }
        let child = pid
        Thread.start { self.reap(child, server) }
        pumpClient(server)
        let diedFirst = state.withLock { s in
            s.clientDone = true
            return s.diedFirst
        }
        if let diedFirst { return diedFirst }
        // The client is gone: the server gets EOF on stdin and normally exits; one that does
        // not is stopped (SIGTERM, then SIGKILL) so no orphan outlives its client.
        server.close()
        for (sig, wait) in [(Int32(0), 2.0), (SIGTERM, 2.0), (SIGKILL, 5.0)] {
            if sig != 0 { kill(pid, sig) }
            if waitGone(seconds: wait) { break }
        }
        return 0
    }

    func say(_ s: String) { Stderr.write("cordon mcp-proxy: \(s)\n") }

    func waitGone(seconds: Double) -> Bool {
        let stop = MCPGate.now() + seconds
        while MCPGate.now() < stop {
            if state.withLock({ $0.gone != nil }) { return true }
            usleep(10_000)
        }
        return false
    }

    // MARK: client -> server

    func pumpClient(_ server: LineWriter) {
        let input = LineReader(fd: 0)
        while true {
            switch input.next() {
            case .end, .failed: return
            case .tooLong:
                say("a message from the client is longer than \(input.maxLine >> 20) MiB; stopping")
                return
            case .line(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                fromClient(bytes, server)
            }
        }
    }

    func fromClient(_ bytes: [UInt8], _ server: LineWriter) {
        guard let message = try? JSONValue.parse(bytes) else {
            // Not JSON: the server answers it (a parse error), as it would without cordon.
            server.send(bytes)
            return
        }
        if case .array(let batch) = message {
            var forward: [JSONValue] = []
            var answers: [JSONValue] = []
            for m in batch {
                switch route(m, server) {
                case .forward: forward.append(m)
                case .answer(let a): answers.append(a)
                case .later: break
                }
            }
            if !forward.isEmpty {
                if forward.count == batch.count { server.send(bytes) } else { server.send(.array(forward)) }
            }
            if !answers.isEmpty { client.send(.array(answers)) }
            return
        }
        switch route(message, server) {
        case .forward: server.send(bytes)
        case .answer(let a): client.send(a)
        case .later: break
        }
    }

    enum Route {
        case forward
        case answer(JSONValue)
        /// An approval thread forwards or answers it.
        case later
    }

    func route(_ m: JSONValue, _ server: LineWriter) -> Route {
        guard let method = m["method"]?.stringValue else { return .forward }
        let id = m["id"]
        if method == "initialize", let name = m["params"]?["clientInfo"]?["name"]?.stringValue {
            gate.clientName.withLock { $0 = name }
        }
        guard let id, !id.isNull else { return forwardUnlessGone(nil, method) }
        if method == "tools/call" {
            switch gate.judge(callId: id, params: m["params"]) {
            case .forward: break
            case .refuse(let text): return .answer(Self.refusal(id, text))
            case .approval(let d, let action):
                Thread.start {
                    if let text = self.gate.awaitApproval(d, action) {
                        self.client.send(Self.refusal(id, text))
                    } else if case .answer(let a) = self.forwardUnlessGone(id, method) {
                        self.client.send(a)
                    } else {
                        server.send(m)
                    }
                }
                return .later
            }
        }
        return forwardUnlessGone(id, method)
    }

    /// Records a request as pending, or answers it at once when the server is gone.
    func forwardUnlessGone(_ id: JSONValue?, _ method: String) -> Route {
        let gone: String? = state.withLock { s in
            if let g = s.gone { return g }
            if let id { s.pending[id.serialized()] = method }
            return nil
        }
        guard let gone else { return .forward }
        guard let id else { return .later }  // a notification to nobody: dropped
        return .answer(Self.failure(id, gone))
    }

    // MARK: server -> client

    func pumpServer(_ reader: LineReader) {
        defer { state.withLock { $0.readerDone = true } }
        while true {
            switch reader.next() {
            case .end, .failed: return
            case .tooLong:
                say("a message from the server is longer than \(reader.maxLine >> 20) MiB; stopping")
                return
            case .line(let bytes):
                client.send(fromServer(bytes))
            }
        }
    }

    /// The bytes to send on: the server's own, unless a `tools/list` answer lost blocked tools.
    func fromServer(_ bytes: [UInt8]) -> [UInt8] {
        guard let message = try? JSONValue.parse(bytes) else { return bytes }
        if case .array(let items) = message {
            var changed = false
            let out = items.map { m -> JSONValue in
                guard let f = answered(m) else { return m }
                changed = true
                return f
            }
            return changed ? Array(JSONValue.array(out).serialized().utf8) : bytes
        }
        return answered(message).map { Array($0.serialized().utf8) } ?? bytes
    }

    /// Marks a response's request answered; the filtered message when it is a `tools/list`
    /// answer that hides something.
    func answered(_ m: JSONValue) -> JSONValue? {
        guard m["method"] == nil, let id = m["id"] else { return nil }
        let method = state.withLock { $0.pending.removeValue(forKey: id.serialized()) }
        guard method == "tools/list", case .object(var fields) = m,
            let i = fields.firstIndex(where: { $0.0 == "result" }), let filtered = gate.filter(listResult: fields[i].1)
        else { return nil }
        fields[i].1 = filtered
        return .object(fields)
    }

    // MARK: the server's end

    /// Waits for the server to exit; then, once its last answers are read (at most 500 ms:
    /// a grandchild may hold its stdout open), fails every call still pending and exits.
    func reap(_ pid: pid_t, _ server: LineWriter) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let ws = WaitStatus(raw: status)
        let stop = MCPGate.now() + 0.5
        while !state.withLock({ $0.readerDone }) && MCPGate.now() < stop { usleep(5_000) }
        let ended = "the MCP server '\(display)' \(Self.describe(ws))"
        let why = ended + " before answering"
        let (unanswered, clientDone): ([String], Bool) = state.withLock { s in
            s.gone = why
            if !s.clientDone { s.diedFirst = ExitCode.of(ws) }
            let ids = Array(s.pending.keys)
            s.pending = [:]
            return (ids, s.clientDone)
        }
        for key in unanswered {
            if let id = try? JSONValue.parse(Array(key.utf8)) { client.send(Self.failure(id, why)) }
        }
        server.close()
        if clientDone { return }
        say(ended)
        exit(ExitCode.of(ws))
    }

    static func describe(_ ws: WaitStatus) -> String {
        switch ws {
        case .exited(let c): "exited with status \(c)"
        case .signaled(let s): "was killed by signal \(s)"
        }
    }

    static func refusal(_ id: JSONValue, _ text: String) -> JSONValue {
        .object([
            ("jsonrpc", .string("2.0")), ("id", id),
            (
                "result",
                .object([
                    ("isError", .bool(true)),
                    ("content", .array([.object([("type", .string("text")), ("text", .string(text))])])),
                ])
            ),
        ])
    }

    static func failure(_ id: JSONValue, _ why: String) -> JSONValue {
        .object([
            ("jsonrpc", .string("2.0")), ("id", id),
            ("error", .object([("code", .number(-32603)), ("message", .string("cordon: " + why))])),
        ])
    }
}
