// Decoding a wait(2) status: the one place that knows its bit layout, used by the sandbox's
// supervisor and by `--unsandboxed` alike. A status above 128 is not a signal by itself (a
// command may `exit 130`); only WIFSIGNALED says so.

public enum WaitStatus: Sendable, Equatable {
    /// The process called exit(code) (code 0-255).
    case exited(Int32)
    /// The process was killed by the signal (core dumped or not).
    case signaled(Int32)

    /// The layout glibc's WIFEXITED/WEXITSTATUS/WTERMSIG macros decode on Linux: low 7 bits 0
    /// means exited (code in bits 8-15), otherwise they are the signal number. A stopped child
    /// (0x7f) is never reported here: every caller waits with WEXITED only.
    public init(raw s: Int32) {
        let low = s & 0x7f
        self = low == 0 ? .exited((s >> 8) & 0xff) : .signaled(low)
    }
}
