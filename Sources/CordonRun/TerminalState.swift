// The caller's terminal as it was before the run. A command shares cordon's terminal (its
// stdin, stdout and stderr are the same tty) and may leave it changed: `stty -echo -icanon`
// hides what the person types next, `stty cols 7 rows 3` breaks every later program's layout.
// cordon puts the line discipline settings and the window size back when the run ends
// (security issue F.16).
#if canImport(Glibc)
    import Glibc
#endif

struct TerminalState {
    let fd: Int32
    let attributes: termios
    let size: winsize?

    /// The terminal on stdin, stdout or stderr (the first that is one), or nil when none is.
    static func save() -> TerminalState? {
        for fd in Int32(0)...2 where isatty(fd) == 1 {
            var t = termios()
            guard tcgetattr(fd, &t) == 0 else { continue }
            var ws = winsize()
            let haveSize = ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0
            return TerminalState(fd: fd, attributes: t, size: haveSize ? ws : nil)
        }
        return nil
    }

    /// Puts both back. TCSADRAIN: output the command wrote is still shown as it expected.
    func restore() {
        var t = attributes
        _ = tcsetattr(fd, TCSADRAIN, &t)
        if var ws = size { _ = ioctl(fd, UInt(TIOCSWINSZ), &ws) }
    }
}
