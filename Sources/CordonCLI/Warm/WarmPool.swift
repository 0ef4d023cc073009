// `cordon serve --warm N`: keeps N warm runners (WarmRunner) waiting on LOG_DIR/warm.sock, each
// with a sandbox prepared, and starts a new one when a run ends (or at once when none is left
// waiting: see `refill`). The
// runners are separate processes (this one is multi-threaded; the sandbox's parent must be the
// process that monitors it), started from this binary with the server's policy and directory.
import CSandbox
import CordonBase
import CordonSandbox
import CordonServe
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

final class WarmPool: @unchecked Sendable {
    let size: Int
    let runnerArgs: [String]
    let socketPath: String
    let output: OutputSink
    private var listener: Int32 = -1
    /// Runners waiting for a caller: pid, the read end of their report pipe, when started.
    private var idle: [(pid: pid_t, report: Int32, started: Double)] = []
    /// Runners with a caller: pid, their report pipe (a second byte, or EOF, when the caller has
    /// its status), when they took it.
    private var busy: [(pid: pid_t, report: Int32, took: Double)] = []
    /// Every runner not yet reaped (busy ones included).
    private var live: Set<pid_t> = []
    /// How long a run may hold back the start of its replacement (`refill`).
    static let deferLimit = 2.0
    private let stopping = Atomic<Bool>(false)
    private var thread = pthread_t()
    private var failures = 0

    init(size: Int, policy: String?, logDirectory: String, maxAge: Int, output: OutputSink) {
        self.size = size
        var args = [WarmRunner.name, "--log-dir", logDirectory, "--max-age", String(maxAge)]
        if let p = policy { args += ["--policy", p] }
        runnerArgs = args
        socketPath = logDirectory + "/" + WarmHandoff.socketName
        self.output = output
    }

    func start() throws(SystemError) {
        listener = try Listener.unix(socketPath)
        // Non-blocking: every runner polls the same socket, and the one that loses a race for a
        // connection must get EAGAIN from accept, not sleep in it past its max-age.
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
        refill()
        let me = Unmanaged.passRetained(self).toOpaque()
        _ = pthread_create(
            &thread, nil,
            { arg in
                guard let arg else { return nil }
                let pool = Unmanaged<WarmPool>.fromOpaque(arg).takeRetainedValue()
                pool.watch()
                return nil
            }, me)
    }

    /// Stops starting runners, ends the idle ones (their prepared sandboxes die with them), and
    /// removes the socket. Runners with a caller finish that run.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
        for r in idle {
            kill(r.pid, SIGTERM)
            close(r.report)
        }
        for r in busy { close(r.report) }
        for pid in live {
            var st: Int32 = 0
            if idle.contains(where: { $0.pid == pid }) { waitpid(pid, &st, 0) }
        }
        close(listener)
        unlink(socketPath)
    }

    private func watch() {
        while !stopping.load(ordering: .relaxed) {
            let watched = idle.map(\.report) + busy.map(\.report)
            var fds = watched.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let r = poll(&fds, nfds_t(fds.count), 200)
            if r > 0 {
                // Busy runners first: their slots follow the idle ones' in `fds`.
                let idleCount = idle.count
                busy = busy.enumerated().filter { (i, runner) in
                    guard fds[idleCount + i].revents != 0 else { return true }
                    // Done (its second byte) or gone (EOF): either way its run no longer waits.
                    close(runner.report)
                    return false
                }.map(\.1)
                var still: [(pid: pid_t, report: Int32, started: Double)] = []
                for (i, runner) in idle.enumerated() {
                    guard fds[i].revents != 0 else {
                        still.append(runner)
                        continue
                    }
                    var b: UInt8 = 0
                    if read(runner.report, &b, 1) == 1 {
                        // Took a caller: its pipe stays open until the caller has its status.
                        failures = 0
                        busy.append((runner.pid, runner.report, Sandbox.monotonicNow()))
                        continue
                    }
                    close(runner.report)
                    // Ended without a caller soon after it started: it failed (and said why on
                    // this server's stderr). Later, its max-age passed, which is normal.
                    if Sandbox.monotonicNow() - runner.started > 5 { failures = 0 } else { failures += 1 }
                }
                idle = still
            }
            reap()
            if failures >= 3 {
                // Runners that keep failing are not restarted in a tight loop.
                let pause = UInt32(min(1 << min(failures - 3, 5), 30))
                output.err("cordon serve: warm runners keep failing to start; next try in \(pause) s\n")
                // In slices, so that stop() is not held up by the pause.
                for _ in 0..<(pause * 10) where !stopping.load(ordering: .relaxed) { usleep(100_000) }
            }
            if !stopping.load(ordering: .relaxed) { refill() }
        }
    }

    private func reap() {
        for pid in live {
            var st: Int32 = 0
            if waitpid(pid, &st, WNOHANG) == pid { live.remove(pid) }
        }
    }

    /// Starts runners until `size` wait. A new runner costs a process start, a policy load and a
    /// sandbox's clone and root (tens of milliseconds of CPU); started the moment a run began, it
    /// competed with that run for the CPUs and the kernel's namespace and cgroup locks, and made
    /// served runs slower than direct ones on 2 CPUs. So while a run started less than
    /// `deferLimit` seconds ago is going, the pool waits for it to end before it fills up again,
    /// unless no runner is left waiting: then one starts at once, so a caller never waits for
    /// a run to end.
    private func refill() {
        let now = Sandbox.monotonicNow()
        let deferring = busy.contains { now - $0.took < Self.deferLimit }
        let target = deferring ? min(size, 1) : size
        while idle.count < target {
            guard let r = spawnRunner() else {
                failures += 1
                return
            }
            idle.append(r)
            live.insert(r.pid)
        }
    }

    private func spawnRunner() -> (pid: pid_t, report: Int32, started: Double)? {
        var p: [Int32] = [-1, -1]
        guard cs_pipe_cloexec(&p) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, listener, WarmRunner.listenFD)
        posix_spawn_file_actions_adddup2(&actions, p[1], WarmRunner.reportFD)
        _ = cs_spawn_closefrom(&actions, WarmRunner.reportFD + 1)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // This server blocks its signals for its sigwait thread; a runner must not inherit that.
        SpawnAttributes.resetSignals(&attr)
        var cargs = (["cordon"] + runnerArgs).map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/proc/self/exe", &actions, &attr, &cargs, environ)
        close(p[1])
        guard rc == 0 else {
            close(p[0])
            output.err("cordon serve: cannot start a warm runner: \(Errno(rc))\n")
            return nil
        }
        return (pid, p[0], Sandbox.monotonicNow())
    }
}
