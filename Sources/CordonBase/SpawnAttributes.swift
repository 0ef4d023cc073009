// posix_spawn attributes every plain spawn in cordon needs (`--unsandboxed`, the tests' runner).
#if canImport(Glibc)
    import Glibc
#endif

public enum SpawnAttributes {
    /// The child starts with no signal blocked and every signal at its default action, as the
    /// sandbox's worker does ("signal reset"): the spawning thread may block signals (a thread
    /// pool, a harness), and posix_spawn would pass that mask on, so the command could not be
    /// stopped with SIGTERM or SIGINT.
    public static func resetSignals(_ attr: inout posix_spawnattr_t) {
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }
}
