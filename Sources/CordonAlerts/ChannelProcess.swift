// The command and email channels: a program started by cordon's supervisor (never inside the
// sandbox) that reads the alert on stdin. It gets no terminal, its stdout is discarded, the
// start of its stderr explains a failure, and it is killed when the attempt's time is up.
import CSandbox
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

enum ChannelProcess {
    /// Runs `argv` with `input` on stdin; returns when it exited 0, throws otherwise.
    static func run(_ argv: [String], input: [UInt8], deadline: Double) throws(DeliveryError) {
        let name = argv.first ?? ""
        var inPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        // Close-on-exec on cordon's ends: the sandbox, spawned meanwhile from the main thread,
        // must not inherit them (the file actions below give the child its copies).
        guard cs_pipe_cloexec(&inPipe) == 0 else { throw DeliveryError("\(name): pipe: \(Errno.current)") }
        guard cs_pipe_cloexec(&errPipe) == 0 else {
            close(inPipe[0])
            close(inPipe[1])
            throw DeliveryError("\(name): pipe: \(Errno.current)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // Nothing else of cordon's: not gate.log's lock, not the monitor's listener.
        _ = cs_spawn_closefrom(&actions, 3)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // The alert thread blocks every signal (AlertDispatcher); the program must not inherit that.
        SpawnAttributes.resetSignals(&attr)
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, name, &actions, &attr, &cargs, environ)
        close(inPipe[0])
        close(errPipe[1])
        defer { close(errPipe[0]) }
        guard rc == 0 else {
            close(inPipe[1])
            throw DeliveryError("start \(name): \(Errno(rc))", retry: false)
        }
        // Non-blocking: a program that never reads its stdin must not hold the alert thread.
        _ = fcntl(inPipe[1], F_SETFL, fcntl(inPipe[1], F_GETFL) | O_NONBLOCK)
        var sent = 0
        var inOpen = true
        var stderrText: [UInt8] = []
        var status: Int32 = 0
        var buf = [UInt8](repeating: 0, count: 512)
        while true {
            if inOpen && sent < input.count {
                let n = input.withUnsafeBytes { all in
                    let rest = UnsafeRawBufferPointer(rebasing: all[sent...])
                    return write(inPipe[1], rest.baseAddress, rest.count)
                }
                if n > 0 { sent += n } else if n < 0 && errno != EAGAIN && errno != EINTR { sent = input.count }
            }
            if inOpen && sent >= input.count {
                close(inPipe[1])
                inOpen = false
            }
            let w = waitpid(pid, &status, WNOHANG)
            if w == pid { break }
            if Clock.now() >= deadline {
                kill(pid, SIGKILL)
                _ = Errno.retryingEINTR { waitpid(pid, &status, 0) }
                if inOpen { close(inPipe[1]) }
                throw DeliveryError("\(name): still running after the attempt's timeout; killed")
            }
            var fds = [pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
            if inOpen { fds.append(pollfd(fd: inPipe[1], events: Int16(POLLOUT), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), min(20, Clock.pollTimeout(deadline)))
            if fds[0].revents != 0 {
                let n = read(errPipe[0], &buf, buf.count)
                if n > 0 && stderrText.count < 512 { stderrText += buf[0..<n] }
            }
        }
        if inOpen { close(inPipe[1]) }
        let ended = WaitStatus(raw: status)
        guard case .exited(0) = ended else {
            let said = String(decoding: stderrText.prefix(300), as: UTF8.self)
                .split(whereSeparator: \.isNewline).joined(separator: " ")
            throw DeliveryError("\(name) \(ended.phrase)\(said.isEmpty ? "" : ": \(said)")")
        }
    }

    /// Where `sendmail` is: the paths every MTA (Postfix, Exim, msmtp-mta, nullmailer) installs.
    static func sendmail() -> String? {
        for p in ["/usr/sbin/sendmail", "/usr/lib/sendmail", "/usr/bin/sendmail"] where access(p, X_OK) == 0 {
            return p
        }
        return nil
    }
}

extension WaitStatus {
    /// `exited with 3`, `was killed by signal 9`.
    var phrase: String {
        switch self {
        case .exited(let c): "exited with \(c)"
        case .signaled(let s): "was killed by signal \(s)"
        }
    }
}
