// The command's own pseudo-terminal (security issue F.16). Given the caller's terminal as its
// stdin, a command could write to it around `limits.output` (a terminal fd is read-write) and
// change it with ioctls. With a pty the command's stdin, stdout and stderr are the pty's slave,
// which is also its controlling terminal (/dev/tty); cordon relays the caller's keystrokes to the
// master and what comes out of the master to the caller's stdout through the output cap. The
// caller's terminal is in raw mode meanwhile, so Ctrl-C reaches the pty's line discipline, which
// signals the command's foreground process group as a terminal would. While a person is asked
// about a held exec on /dev/tty the relay stops and the caller's terminal is put back as it was,
// so the question is answered with the terminal's own echo and line editing.
import CSandbox
import CordonBase
import Glibc

public final class PseudoTerminal {
    public let master: Int32
    private(set) var slave: Int32
    /// The caller's terminal (cordon's stdin).
    let caller: Int32
    let saved: termios
    private(set) var raw = false
    /// Keystrokes read from the caller that the pty did not take yet.
    var pending: [UInt8] = []
    /// The caller's stdin reached its end (or failed): nothing more to relay.
    var inputClosed = false

    /// A pty sized and set like the caller's terminal on `caller`.
    public init(caller: Int32 = 0) throws(SandboxError) {
        var attrs = termios()
        guard tcgetattr(caller, &attrs) == 0 else { throw SandboxError(.setup("tcgetattr"), errno: .current) }
        var s: Int32 = -1
        let m = cs_openpt(&s)
        guard m >= 0 else { throw SandboxError(.setup("open a pseudo-terminal"), errno: Errno(-m)) }
        // The command sees a terminal set like the caller's, and its window size.
        _ = tcsetattr(s, TCSANOW, &attrs)
        var ws = winsize()
        if ioctl(caller, UInt(TIOCGWINSZ), &ws) == 0 { _ = ioctl(m, UInt(TIOCSWINSZ), &ws) }
        // The loop never blocks on the master: a command that stops reading its input must not
        // stall the monitor behind a full pty buffer.
        _ = fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK)
        master = m
        slave = s
        self.caller = caller
        saved = attrs
    }

    deinit {
        restoreCaller()
        close(master)
        if slave >= 0 { close(slave) }
    }

    /// cordon's copy of the slave: closed once the command holds its own, so the master reads
    /// EIO (the end) when the last process of the sandbox lets go of it.
    func closeSlave() {
        if slave >= 0 { close(slave) }
        slave = -1
    }

    /// Raw mode on the caller's terminal: every byte goes to the command's pty as typed.
    func rawCaller() {
        guard !raw else { return }
        var t = saved
        cfmakeraw(&t)
        // Output processing stays: the command's "\n" is already "\r\n" from its own pty.
        t.c_oflag = saved.c_oflag
        if tcsetattr(caller, TCSANOW, &t) == 0 { raw = true }
    }

    /// The caller's terminal as it was (for a question on /dev/tty, and at the end).
    func restoreCaller() {
        guard raw else { return }
        var t = saved
        _ = tcsetattr(caller, TCSADRAIN, &t)
        raw = false
    }

    /// The caller's window changed (SIGWINCH): the pty follows, and the kernel tells the
    /// command's foreground process group.
    func followSize() {
        var ws = winsize()
        if ioctl(caller, UInt(TIOCGWINSZ), &ws) == 0 { _ = ioctl(master, UInt(TIOCSWINSZ), &ws) }
    }

    /// Reads what the caller typed into `pending` (at most 64 KiB waiting).
    func readCaller() {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(caller, &buf, buf.count)
        if n > 0 {
            pending += buf[0..<n]
        } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
            inputClosed = true
        }
        flush()
    }

    /// Writes what is pending to the master, as much as it takes now.
    func flush() {
        while !pending.isEmpty {
            let n = pending.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            pending.removeFirst(n)
        }
    }

    /// Whether the loop should read the caller's stdin now.
    var wantsInput: Bool { !inputClosed && pending.count < 65536 }
}
