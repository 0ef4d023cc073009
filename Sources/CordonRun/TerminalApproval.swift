// Asking a person on the terminal (`--approval prompt`); the answer is recorded as an approval. Answers are read
// from /dev/tty, never stdin, so a piped-in script (or the sandboxed command, whose stdin may
// be ours) cannot answer for the person.
import CordonGate

#if canImport(Glibc)
    import Glibc
#endif

enum TerminalApproval {
    /// `cordon: blocked: score 92 (critical), rule R` and one `  - reason` line each.
    static func describe(_ d: Decision, verb: String) -> String {
        var s = "cordon: \(verb): score \(d.score) (\(d.level.rawValue))"
        if let r = d.policyRule { s += ", rule \(TerminalText.line(r))" }
        s += "\n"
        // Reasons quote the command: escaped, like everything from the sandbox.
        for r in d.reasons { s += "  - \(TerminalText.line(r))\n" }
        return s
    }

    /// Before the run: the question goes to cordon's stderr (through `notice`), the answer
    /// comes from /dev/tty. nil: there is no terminal to ask on.
    static func askToRun(_ d: Decision, command: [String], notice: (String) -> Void) -> Bool? {
        let fd = open("/dev/tty", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        notice(describe(d, verb: "requires approval"))
        notice("cordon: run '\(TerminalText.command(command))'? [y/N] ")
        return readYes(fd, capacity: 64)
    }

    /// During the run, for an exec inside the sandbox: the question shown on /dev/tty (the
    /// command's output shares cordon's stderr). Answered without blocking (TerminalPrompts).
    static func insideQuestion(_ d: Decision, argv: [String], id: String, hint: String) -> String {
        var q =
            "cordon: the sandboxed command wants to run '\(TerminalText.command(argv))' (score \(d.score), \(d.level.rawValue))\n"
        for r in d.reasons { q += "  - \(TerminalText.line(r))\n" }
        q += "  (approval \(id); or from elsewhere: cordon approvals approve \(id)\(hint))\n"
        q += "allow it? [y/N] "
        return q
    }

    static func readYes(_ fd: Int32, capacity: Int) -> Bool {
        var buf = [UInt8](repeating: 0, count: capacity)
        let n = read(fd, &buf, buf.count)
        return n > 0 && (buf[0] == UInt8(ascii: "y") || buf[0] == UInt8(ascii: "Y"))
    }
}
