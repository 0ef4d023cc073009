// `cordon run`'s side of a warm start: when `cordon serve` keeps warm runners for this log
// directory, hand the whole command line, environment, directory and stdio to one and exit with
// its status; otherwise (no server, a terminal involved, a runner that declines) run directly.
import CSandbox
import CordonAudit
import CordonBase
import CordonRun
import CordonSandbox

#if canImport(Glibc)
    import Glibc
#endif

/// The runner's pid, for the signal handlers (set once before they are installed).
nonisolated(unsafe) private var warmRunner: pid_t = 0
/// The last signal passed on (0: none).
nonisolated(unsafe) private var warmForwarded: Int32 = 0

enum WarmClient {
    /// Signals passed on to the runner, which treats them as a direct cordon would.
    static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]
    /// How long a request may wait for a free runner before it runs directly.
    static let acceptWaitMilliseconds: Int32 = 3000

    /// The exit status of the run a warm runner made, or nil: run directly.
    static func run(_ args: [String], _ ctx: Context) -> Int32? {
        if ctx.environment["CORDON_WARM"] == "0" { return nil }
        // A terminal needs cordon's own process: the pty, raw mode and approval prompts work on
        // the controlling terminal, which a runner started by the server does not have.
        for fd in Int32(0)...2 where isatty(fd) == 1 { return nil }
        guard
            let parsed = try? ArgumentParser.parse(
                args, options: RunCommand.options, command: "run", stopAtPositional: true),
            !parsed.flag("unsandboxed"), !parsed.flag("pty"), !parsed.rest.isEmpty
        else { return nil }
        let cwd = FileIO.cwd()
        let ws = parsed.value("workspace").map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } ?? cwd
        let dir = LogDirectory.resolve(
            option: parsed.value("log-dir"), environment: ctx.environment,
            cwd: PathResolution.realDirectory(ws) ?? ws)
        let path = dir.path + "/" + WarmHandoff.socketName
        guard let fd = connectUnix(path) else { return nil }
        defer { close(fd) }
        PhaseTimer.shared.mark("connected to warm.sock")
        switch WarmHandoff.trustedPeer(fd, confinement: false) {
        case .success: break
        case .failure(let e):
            let why = e.why
            ctx.output.err("cordon: warning: not using the warm runner at \(path): \(why); running directly\n")
            return nil
        }
        PhaseTimer.shared.mark("warm runner checked")
        let here = open(".", 0o10_000_000 | O_DIRECTORY | O_CLOEXEC)  // O_PATH
        guard here >= 0 else { return nil }
        defer { close(here) }
        var env: [String] = []
        var p = environ
        while let e = p.pointee {
            env.append(String(cString: e))
            p += 1
        }
        let bytes = WarmHandoff.encode(argv: ["run"] + args, environment: env)
        let fds: [Int32] = [0, 1, 2, here]
        let sent = bytes.withUnsafeBytes { cs_send_with_fds(fd, $0.baseAddress, $0.count, fds, 4) }
        guard sent == 0 else {
            // The runner may have refused this caller and closed before the request went out
            // (EPIPE): its reason is still there to read.
            var ready = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if poll(&ready, 1, 200) > 0 { _ = firstAnswer(fd, path, ctx) }
            return nil
        }
        PhaseTimer.shared.mark("handed to the warm runner")
        // Not `peer`: the credentials of a connection to a listening unix socket are those of
        // the process that called listen(), the server, not the runner that accepted (unix(7),
        // SO_PEERCRED). Signals go to the runner once it has said who it is; until then they
        // only end this process (below). Sending them to the server stopped the server and
        // left the run going (a Ctrl-C that did not reach the command).
        warmRunner = 0
        for s in forwarded { signal(s, forward) }
        defer { for s in forwarded { signal(s, SIG_DFL) } }
        // Unblocked for the handlers: a caller started with them blocked (a mask inherited from
        // its parent: Foundation's Process, some supervisors) would never run them, and the run
        // would go on after a Ctrl-C. A direct cordon takes them through a signalfd, whatever
        // the inherited mask, and this path must act the same.
        var wanted = sigset_t()
        var inherited = sigset_t()
        sigemptyset(&wanted)
        for s in forwarded { sigaddset(&wanted, s) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, &inherited)
        defer { pthread_sigmask(SIG_SETMASK, &inherited, nil) }
        // Every runner busy or failing to start: the request waits in the socket's backlog. After
        // a bounded wait it runs directly; a runner that accepts it later reads EOF and runs
        // nothing.
        var ready = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        var waited: Int32 = 0
        while waited < acceptWaitMilliseconds {
            let r = poll(&ready, 1, 50)
            if r > 0 { break }
            if r < 0 && errno != EINTR { break }
            if warmForwarded != 0 { return 128 + warmForwarded }
            waited += 50
        }
        // "A" and the runner's pid (4 bytes, little-endian) in one write, or "D" (declined).
        var tag = [UInt8](repeating: 0, count: 5)
        guard ready[0].revents != 0, let first = firstAnswer(fd, path, ctx), first == UInt8(ascii: "A"),
            WarmHandoff.readFull(fd, &tag, from: 1)
        else {
            // Declined, refused, or gone before the run started: nothing ran. A signal meant for
            // the run ends this process as it would have ended the run.
            if warmForwarded != 0 { return 128 + warmForwarded }
            return nil
        }
        let runner = pid_t(
            bitPattern: UInt32(tag[1]) | UInt32(tag[2]) << 8 | UInt32(tag[3]) << 16 | UInt32(tag[4]) << 24)
        guard runner > 0 else { return nil }
        warmRunner = runner
        // A signal that came while the answer was read is the run's too.
        if warmForwarded != 0 { kill(runner, warmForwarded) }
        var status = [UInt8](repeating: 0, count: 5)
        guard WarmHandoff.readFull(fd, &status, from: 0), status[0] == UInt8(ascii: "S") else {
            if warmForwarded != 0 { return 128 + warmForwarded }
            ctx.output.err(
                "cordon: error: the warm runner (pid \(runner)) ended without reporting the run's status; see the run's trace in \(dir.path)/traces\n"
            )
            return ExitCode.runnerFailed.rawValue
        }
        PhaseTimer.shared.mark("status from the warm runner")
        return Int32(
            bitPattern: UInt32(status[1]) | UInt32(status[2]) << 8 | UInt32(status[3]) << 16 | UInt32(status[4]) << 24)
    }

    /// The runner's first byte, or nil: nothing came, or 'R' (this caller is confined otherwise
    /// than the runner: WarmHandoff.trustedPeer), which is said here with the runner's reason.
    static func firstAnswer(_ fd: Int32, _ path: String, _ ctx: Context) -> UInt8? {
        var first = [UInt8](repeating: 0, count: 1)
        guard WarmHandoff.readFull(fd, &first, from: 0) else { return nil }
        guard first[0] == UInt8(ascii: "R") else { return first[0] }
        var why = [UInt8](repeating: 0, count: 400)
        var got = 0
        while got < why.count {
            let r = why.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { break }
            got += r
        }
        let reason = TerminalText.line(String(decoding: why.prefix(got), as: UTF8.self))
        ctx.output.err("cordon: warning: not using the warm runner at \(path): \(reason); running directly\n")
        return nil
    }

    /// A connected stream socket, or nil (no server: the common case, one failed connect).
    static func connectUnix(_ path: String) -> Int32? {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if r != 0 {
            close(fd)
            return nil
        }
        return fd
    }
}

private func forward(_ sig: Int32) {
    warmForwarded = sig
    // 0 until the runner has named itself: kill(0, sig) would signal this process group.
    if warmRunner > 0 { kill(warmRunner, sig) }
}
