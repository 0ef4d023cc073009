// Only with --unsandboxed: a plain posix_spawn, so the user who asked for it gets the command's
// own exit status. The status is decoded by CordonBase's WaitStatus, the same decoding the
// sandbox's supervisor uses: an `exit 130` is an exit, not a signal.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

enum Unsandboxed {
    enum Outcome {
        case ended(WaitStatus)
        /// posix_spawnp failed: the command was not found or not executable.
        case notStarted(Errno)
    }

    static func run(_ argv: [String], cwd: String) -> Outcome {
        var pid: pid_t = 0
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        SpawnAttributes.resetSignals(&attr)
        // posix_spawn has no portable chdir action in glibc 2.36; cordon is single-threaded here.
        let old = FileIO.cwd()
        _ = chdir(cwd)
        let rc = posix_spawnp(&pid, argv[0], nil, &attr, &cargs, environ)
        _ = chdir(old)
        if rc != 0 { return .notStarted(Errno(rc)) }
        var st: Int32 = 0
        _ = Errno.retryingEINTR { waitpid(pid, &st, 0) }
        return .ended(WaitStatus(raw: st))
    }
}
