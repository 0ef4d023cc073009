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

    /// Puts both back, when they changed. TCSADRAIN: output the command wrote is still shown
    /// as it expected. Only from the terminal's foreground process group: from the background
    /// (`cordon run ... &`) tcsetattr would stop cordon with SIGTTOU before run_end is written.
    func restore() {
        // tcgetpgrp fails when this is not cordon's controlling terminal: then no SIGTTOU either.
        let foreground = tcgetpgrp(fd)
        guard foreground < 0 || foreground == getpgrp() else { return }
        var now = termios()
        var t = attributes
        if tcgetattr(fd, &now) != 0 || !Self.same(now, t) { _ = tcsetattr(fd, TCSADRAIN, &t) }
        var current = winsize()
        if var ws = size,
            ioctl(fd, UInt(TIOCGWINSZ), &current) != 0 || current.ws_row != ws.ws_row
                || current.ws_col != ws.ws_col
        {
            _ = ioctl(fd, UInt(TIOCSWINSZ), &ws)
        }
    }

    static func same(_ a: termios, _ b: termios) -> Bool {
        withUnsafeBytes(of: a) { x in withUnsafeBytes(of: b) { y in x.elementsEqual(y) } }
    }
}
