// `cordon serve`: the gate over HTTP for agents in any language (CordonServe does the work).
import CordonAudit
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonServe

#if canImport(Glibc)
    import Glibc
#endif

enum ServeCommand: Subcommand {
    static let name = "serve"
    static let summary = "serve inspect, validate, actions and approvals over HTTP (unix socket or TCP)"
    static let helpText = HelpText(
        usage: [
            "cordon serve [--policy FILE] [--socket PATH] [--log-dir DIR]",
            "cordon serve --listen 127.0.0.1:PORT --token-file FILE [--policy FILE]",
        ],
        about: """
            Answers HTTP/1.1 (keep-alive) on a unix socket, by default .cordon/cordon.sock in the
            log directory, created mode 0600: only its owner connects. With --listen it serves TCP
            instead, and every request needs 'Authorization: Bearer TOKEN' (TOKEN: the content of
            --token-file). Routes:
              POST /api/runtime/inspect          the request and answer of 'cordon inspect'
              GET  /api/runtime/actions/ID       the JSON of 'cordon actions show ID'
              GET  /approvals/ID                 a page to approve or reject (the approvalUrl)
              POST /approvals/ID/approve|reject  needs a token: the server's or an approver key
                                                 ('cordon approvals key'), as a Bearer header or
                                                 the form's token field; optional note
              POST /v1/validate                  the request and answer of 'cordon validate'
              GET  /v1/agents/ID/stats           that agent's counts, as 'cordon stats' gives them
              GET  /v1/alerts                    404 until anomaly detection lands
            Errors are JSON objects {"error":...,"hint":...}: 400 malformed request, 401 missing or
            wrong token, 404 unknown route or id, 405 wrong method, 413 body too large, 500
            cordon's own failure. Every decision is a gate.log line, as from the CLI.
            SIGTERM or SIGINT: stop accepting, finish the requests in hand, exit 0.
            Exit status: 0 stopped by a signal, 64 usage, 78 invalid policy, 125 cannot listen.
            """,
        sections: [
            (
                "options",
                [
                    .value("policy", "FILE", "policy file (default: the embedded default policy)"),
                    .value("log-dir", "DIR", "gate.log and state.db (default ./.cordon or $CORDON_HOME)"),
                    .value("socket", "PATH", "the unix socket (default LOG_DIR/cordon.sock)"),
                    .value("listen", "HOST:PORT", "serve TCP on this IPv4 address instead (needs --token-file)"),
                    .value("token-file", "FILE", "the bearer token (mode 0600; required with --listen)"),
                    .value("env", "NAME", "environment for requests that name none (e.g. production)"),
                    .value("threads", "N", "worker threads, each with its own event loop (default 2)"),
                    .value("max-body", "BYTES", "largest request body (default 1048576; larger: 413)"),
                    .value("timeout", "SECONDS", "per-connection read/write timeout (default 30)"),
                    .value(
                        "warm", "N",
                        "keep N sandboxes prepared for 'cordon run' on LOG_DIR/warm.sock (default 2; 0: off)"),
                    .value("warm-max-age", "SECONDS", "replace a prepared sandbox after this long (default 300)"),
                    RequestInput.sandboxedOption,
                ]
            )
        ])

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let parsed = try ArgumentParser.parse(args, options: helpText.options, command: name)
        guard parsed.positionals.isEmpty, parsed.rest.isEmpty else {
            throw .usage("serve: unexpected argument '\((parsed.positionals + parsed.rest)[0])'", command: name)
        }
        let threads = try number(parsed, "threads", default: 2, range: 1...64)
        var limits = HTTPLimits()
        limits.maxBody = try number(parsed, "max-body", default: limits.maxBody, range: 1...(256 << 20))
        limits.timeout = Int32(try number(parsed, "timeout", default: Int(limits.timeout), range: 1...3600))
        // Usage first: a wrong command line is reported before anything is created.
        let token = try parsed.value("token-file").map { f throws(CLIError) in try readToken(f) }
        let tcp = parsed.value("listen")
        if tcp != nil && token == nil {
            throw .usage("serve: --listen needs --token-file: over TCP anyone on the host could call", command: name)
        }
        let policy = try loadPolicy(path: parsed.value("policy"), environment: ctx.environment)
        let cwd = FileIO.cwd()
        let dir = LogDirectory.resolve(option: parsed.value("log-dir"), environment: ctx.environment, cwd: cwd)
        do throws(AuditError) { try dir.create() } catch {
            throw CLIError(.runnerFailed, "serve: cannot create the log directory \(dir.path): \(error.message)")
        }
        let access = ServeAccess(token: token, tokenForAll: tcp != nil)
        let sandbox =
            parsed.flag("sandboxed") ? SandboxFacts(policy: policy, workspace: cwd, home: ctx.environment["HOME"]) : nil
        let log: SharedGateLog
        do throws(RequestFailure) { log = try SharedGateLog(directory: dir, policy: policy.log) } catch {
            throw CLIError(error)
        }
        let routes: [any HTTPHandler] = (0..<threads).map { _ in
            let service = RequestService(
                policy: policy, directory: dir, log: log, environment: parsed.value("env"), sandbox: sandbox,
                project: RunStart.defaultProject(cwd: cwd))
            return ServeRoutes(service: service, access: access, log: log)
        }
        // Signals are read by one thread with sigwait; blocked before the workers start, so
        // they inherit the mask and no worker is interrupted mid-answer.
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
        let fd: Int32
        let socketPath = parsed.value("socket") ?? dir.path + "/cordon.sock"
        do throws(SystemError) {
            if let tcp {
                let (f, port) = try Listener.tcp(tcp)
                fd = f
                let host = tcp[..<(tcp.lastIndex(of: ":") ?? tcp.endIndex)]
                ctx.output.err("cordon serve: listening on http://\(host):\(port) (pid \(getpid()))\n")
            } else {
                fd = try Listener.unix(socketPath)
                ctx.output.err("cordon serve: listening on unix:\(socketPath) (pid \(getpid()))\n")
            }
        } catch {
            throw CLIError(.runnerFailed, "serve: \(error)", hint: "is another cordon serve running?")
        }
        let warm = try number(parsed, "warm", default: 2, range: 0...16)
        let pool =
            warm == 0
            ? nil
            : WarmPool(
                size: warm, policy: parsed.value("policy").map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 },
                logDirectory: dir.path, maxAge: try number(parsed, "warm-max-age", default: 300, range: 1...86_400),
                output: ctx.output)
        if let pool {
            do throws(SystemError) { try pool.start() } catch {
                throw CLIError(.runnerFailed, "serve: warm runners: \(error)", hint: "is another cordon serve running?")
            }
            ctx.output.err("cordon serve: \(warm) warm sandbox(es) for 'cordon run' on unix:\(pool.socketPath)\n")
        }
        defer { pool?.stop() }
        let server = HTTPServer(listener: fd, limits: limits)
        SignalStop.start(server, set)
        do throws(SystemError) { try server.run(handlers: routes) } catch {
            throw CLIError(.runnerFailed, "serve: \(error)")
        }
        close(fd)
        if tcp == nil { unlink(socketPath) }
        ctx.output.err("cordon serve: stopped\n")
        return ExitCode.success.rawValue
    }

    static func number(_ parsed: ParsedArguments, _ option: String, default d: Int, range: ClosedRange<Int>)
        throws(CLIError) -> Int
    {
        guard let v = parsed.value(option) else { return d }
        guard let n = Int(v), range.contains(n) else {
            throw .usage("--\(option) \(v): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// The token file's text without surrounding blanks. A token others can read is refused.
    static func readToken(_ path: String) throws(CLIError) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw CLIError(
                .usage, "serve: --token-file \(path): \(Errno.current)",
                hint: "make one: head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE")
        }
        guard st.st_mode & 0o077 == 0 else {
            throw CLIError(
                .usage,
                "serve: --token-file \(path) can be read by other users (mode \(String(st.st_mode & 0o777, radix: 8)))",
                hint: "chmod 600 \(path)")
        }
        let bytes: [UInt8]
        do throws(SystemError) { bytes = try FileIO.readFile(path, limit: 4096) } catch {
            throw CLIError(.usage, "serve: --token-file: \(error)")
        }
        let token = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        guard token.count >= 16 else {
            throw CLIError(.usage, "serve: --token-file \(path): the token is shorter than 16 characters")
        }
        return token
    }
}

/// The thread that waits for SIGTERM/SIGINT/SIGHUP and asks the server to stop.
enum SignalStop {
    final class Box: @unchecked Sendable {
        let server: HTTPServer
        var set: sigset_t
        init(_ server: HTTPServer, _ set: sigset_t) {
            self.server = server
            self.set = set
        }
    }

    static func start(_ server: HTTPServer, _ set: sigset_t) {
        var t = pthread_t()
        let box = Unmanaged.passRetained(Box(server, set)).toOpaque()
        pthread_create(
            &t, nil,
            { arg in
                guard let arg else { return nil }
                let b = Unmanaged<Box>.fromOpaque(arg).takeRetainedValue()
                var sig: Int32 = 0
                while sigwait(&b.set, &sig) != 0 {}
                b.server.stop()
                return nil
            }, box)
        pthread_detach(t)
    }
}
