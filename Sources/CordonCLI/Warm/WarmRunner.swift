// A warm runner (`cordon serve --warm N` starts N): a cordon process that prepares one sandbox
// for the server's policy and directory (PreparedSandbox), then waits for one `cordon run` on
// the server's warm.sock. It takes the caller's command line, environment, directory and stdio,
// runs `cordon run` exactly as the caller would have (same parsing, gate, evidence, monitor),
// using the prepared sandbox when the run's fixed part matches it, reports the exit status and
// exits. Single use: one run per runner, one runner per run.
//
// Started with the listening socket as fd 3 (non-blocking, shared by all runners) and a pipe to
// the server as fd 4: one byte when this runner has taken a caller, a second when the caller has
// its status (the server starts the next runner then: WarmPool.refill).
import CSandbox
import CordonBase
import CordonGate
import CordonPolicy
import CordonRun
import CordonSandbox
import CordonStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

enum WarmRunner {
    static let name = "warm-runner"
    static let listenFD: Int32 = 3
    static let reportFD: Int32 = 4
    static let options: [OptionSpec] = [
        .value("policy", "FILE", ""), .value("log-dir", "DIR", ""), .value("max-age", "SECONDS", ""),
    ]

    /// Set in a runner: its `run` is the caller's, never handed on again.
    nonisolated(unsafe) static var isRunner = false

    static func main(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        isRunner = true
        let parsed = try ArgumentParser.parse(args, options: options, command: name)
        var st = stat()
        guard fstat(listenFD, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK, fstat(reportFD, &st) == 0 else {
            throw .usage("warm-runner is started by 'cordon serve --warm', with its socket as fd 3", command: "serve")
        }
        // Inherited without close-on-exec (posix_spawn's dup2): nothing this runner starts (an
        // alert channel's command, say) may hold the server's listening socket or write to the
        // report pipe, whose bytes tell the server when to start the next runner.
        for fd in [listenFD, reportFD] { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
        let maxAge = Double(parsed.value("max-age") ?? "") ?? 300
        PolicyMemo.enabled = true
        PreparedSandbox.reusesWork = true
        // Until a caller comes, a SIGTERM (the server stopping), SIGINT or SIGHUP ends the wait,
        // and the prepared sandbox is cleaned up (cgroups, HOME) on the way out rather than left
        // behind. Set before preparing, so a stop during preparation is seen too.
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in warmStopRequested.store(true, ordering: .relaxed) }
            sigaction(sig, &action, nil)
        }
        prepare(parsed, ctx)
        defer { abandonPrepared() }
        let caller = accept(until: Sandbox.monotonicNow() + maxAge)
        for sig in [SIGTERM, SIGINT, SIGHUP] { signal(sig, SIG_DFL) }
        guard let conn = caller else { return 0 }
        PhaseTimer.shared.mark("warm runner: caller accepted")
        close(listenFD)
        var one: UInt8 = 1
        _ = write(reportFD, &one, 1)
        // Kept open until the caller has its status (or this process ends): the server waits for
        // that before it prepares the next sandbox beside this run.
        defer { close(reportFD) }
        defer { close(conn) }
        if case .failure(let e) = WarmHandoff.trustedPeer(conn) {
            let why = e.why
            ctx.output.err("cordon serve: warm runner \(getpid()): refused a caller: \(why)\n")
            // The caller runs directly and says why (it no longer compares confinement itself).
            // Its request is never read: the descriptors in flight are dropped with the socket.
            _ = WarmHandoff.writeAll(conn, [UInt8(ascii: "R")] + Array(why.utf8.prefix(400)))
            return 0
        }
        PhaseTimer.shared.mark("warm runner: caller checked")
        guard let req = WarmHandoff.receive(conn) else { return 0 }
        PhaseTimer.shared.mark("warm runner: request received")
        let env = req.environment
        guard req.argv.first == "run", cordonVariables(env) == cordonVariables(ctx.environment.map { "\($0)=\($1)" })
        else {
            // CORDON_* settings (CORDON_DISABLE, ...) differ from this runner's: they change what
            // was prepared and probed, so the caller runs directly.
            for f in req.fds { close(f) }
            _ = WarmHandoff.writeAll(conn, [UInt8(ascii: "D")])
            return 0
        }
        // Accepted, and by whom: the caller forwards its signals to this pid (its peer on the
        // socket is the server, which listened). One write, so the caller reads both or neither.
        var accepted: [UInt8] = [UInt8(ascii: "A")]
        withUnsafeBytes(of: UInt32(bitPattern: getpid()).littleEndian) { accepted += $0 }
        guard WarmHandoff.writeAll(conn, accepted) else { return 0 }
        // The caller's stdio and directory become this process's, and its environment replaces
        // this one's: from here on this process is the caller's `cordon run`.
        for i in 0..<3 where req.fds[i] != Int32(i) { dup2(req.fds[i], Int32(i)) }
        let chdirOK = fchdir(req.fds[3]) == 0
        let chdirError = Errno.current
        for f in req.fds where f > 2 { close(f) }
        clearenv()
        for e in env { putenv(strdup(e)) }
        watchCaller(conn)
        PhaseTimer.shared.mark("warm runner: caller's request taken over")
        let ctx = Context(
            output: StandardOutput(), environment: processEnvironment(), stdoutIsTTY: false, stdinIsTTY: false)
        let code: Int32
        if chdirOK {
            code = CordonCommand.main(["cordon"] + req.argv, ctx)
        } else {
            ctx.output.err("cordon: error: the warm runner cannot enter the caller's directory (\(chdirError))\n")
            code = ExitCode.runnerFailed.rawValue
        }
        var status: [UInt8] = [UInt8(ascii: "S")]
        withUnsafeBytes(of: UInt32(bitPattern: code).littleEndian) { status += $0 }
        // The caller has its answer and may exit: that must no longer end this process before
        // the cleanup below.
        callerAnswered.store(true, ordering: .sequentiallyConsistent)
        _ = WarmHandoff.writeAll(conn, status)
        _ = write(reportFD, &one, 1)
        abandonPrepared()
        PreparedSandbox.finishDeferredWork()
        return code
    }

    /// The template run (`cordon run [--policy P] [--log-dir D] -- true` in the server's
    /// directory): loads the policy (kept for runs with the same file and environment) and
    /// prepares the sandbox. Failing to prepare is not fatal: runs then clone as usual.
    static func prepare(_ parsed: ParsedArguments, _ ctx: Context) {
        var args: [String] = []
        if let p = parsed.value("policy") { args += ["--policy", p] }
        if let d = parsed.value("log-dir") { args += ["--log-dir", d] }
        let tctx = Context(output: ctx.output, environment: ctx.environment, stdoutIsTTY: false, stdinIsTTY: false)
        let request: RunRequest
        do throws(CLIError) {
            let t = try ArgumentParser.parse(
                args + ["--", "true"], options: RunCommand.options, command: "run", stopAtPositional: true)
            request = try RunCommand.request(t, tctx)
        } catch {
            ctx.output.err("cordon serve: warm runner \(getpid()): cannot prepare: \(error.message)\n")
            return
        }
        // The store key before the sandbox, as Runner.run does (StoreSeal.swift).
        StoreSeal.ensure()
        // The gate's tables are built on first use: once here, not in the caller's run.
        _ = Gate.evaluate(Action(id: "a-0", payload: .argv(["true"])), policy: request.policy)
        do throws(SandboxError) {
            PreparedSandbox.standing = try Isolation.prepare(
                Runner.sandboxRequest(request, bridge: nil), probe: request.probe,
                monitored: request.policy.monitor.enabled, notice: { _ in })
        } catch {
            ctx.output.err("cordon serve: warm runner \(getpid()): cannot prepare a sandbox: \(error)\n")
        }
        // The anomaly watch's store and profile too, after the clone (the sandbox's first
        // process inherits no descriptor of the database).
        AnomalyPreload.prepare(request)
    }

    /// One caller from the shared listening socket, or nil once `deadline` passed (the server
    /// then starts a fresh runner: a prepared sandbox's binds are never older than max-age).
    static func accept(until deadline: Double) -> Int32? {
        while true {
            let left = deadline - Sandbox.monotonicNow()
            if left <= 0 || warmStopRequested.load(ordering: .relaxed) { return nil }
            var p = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            // Short slices: a stop signal that lands just before poll is seen within a tenth of a
            // second, and the anomaly profile read ahead follows what runs meanwhile learned.
            let r = poll(&p, 1, Int32(min(left * 1000, 100)) + 1)
            if r < 0 && errno != EINTR { return nil }
            if r == 0 { AnomalyPreload.refresh() }
            if r <= 0 { continue }
            // Another runner may take the same connection first: EAGAIN, wait again.
            let c = cs_accept_cloexec(listenFD)
            if c >= 0 { return c }
            if ![EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED].contains(-c) { return nil }
        }
    }

    /// A prepared sandbox no run used (none came, the run was refused before the sandbox, or
    /// its shape differed): killed, its cgroup and HOME removed.
    static func abandonPrepared() {
        guard let w = PreparedSandbox.standing else { return }
        PreparedSandbox.standing = nil
        w.discard()
        _ = cs_remove_tree(w.home)
    }

    static func cordonVariables(_ env: [String]) -> [String] {
        env.filter { $0.hasPrefix("CORDON_") }.sorted()
    }

    /// A caller that goes away mid-run (killed) takes the run with it, as a direct cordon's death
    /// would: this process exits, and the sandbox's parent-death signal ends everything in it.
    /// The watcher blocks every signal (Alongside): the run takes the caller's forwarded SIGTERM
    /// or SIGINT through its signalfd, and would never see one this thread took with its default
    /// action (the runner killed, no run_end written).
    static func watchCaller(_ conn: Int32) {
        _ = Alongside.detached {
            // It never writes after its request: readable means closed.
            var p = [pollfd(fd: conn, events: Int16(POLLIN), revents: 0)]
            while poll(&p, 1, -1) < 0 && errno == EINTR {}
            if callerAnswered.load(ordering: .sequentiallyConsistent) { return }
            _exit(ExitCode.runnerFailed.rawValue)
        }
    }
}

/// Set by SIGTERM, SIGINT or SIGHUP while the runner waits for a caller.
let warmStopRequested = Atomic<Bool>(false)

/// Set once the caller has its status: its going away is then expected.
let callerAnswered = Atomic<Bool>(false)

/// The policy a warm runner loaded for its template, reused while the file and environment are
/// the same (the YAML parse and the rule examples are most of a policy load).
enum PolicyMemo {
    nonisolated(unsafe) static var enabled = false
    nonisolated(unsafe) static var last: (path: String?, bytes: [UInt8], environment: [String: String], policy: Policy)?
}
