// Paths reduced to the classes a profile remembers: where a run reads, writes and deletes
// matters, not the file names (which change every run).

public enum PathClass: String, Sendable, CaseIterable {
    case workspace, tmp, system, home, hidden, device, other

    /// The class of an absolute path, given the run's workspace and home.
    public static func of(_ path: String, workspace: String, home: String?) -> PathClass {
        if path == workspace || path.hasPrefix(workspace + "/") { return .workspace }
        if path.hasPrefix("/tmp/") || path == "/tmp" || path.hasPrefix("/var/tmp/") || path.hasPrefix("/dev/shm/") {
            return .tmp
        }
        if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") || path.hasPrefix("/sys/") { return .device }
        if let home, !home.isEmpty, home != "/", path == home || path.hasPrefix(home + "/") {
            let rest = path.dropFirst(home.count + 1)
            return rest.split(separator: "/").contains { $0.hasPrefix(".") } ? .hidden : .home
        }
        if path.hasPrefix("/root/") || path.hasPrefix("/home/") {
            return path.split(separator: "/").contains { $0.hasPrefix(".") } ? .hidden : .home
        }
        for p in ["/usr/", "/etc/", "/bin/", "/sbin/", "/lib", "/opt/", "/var/", "/srv/", "/boot/", "/run/"]
        where path.hasPrefix(p) {
            return .system
        }
        return .other
    }

    /// An argument that names a path: absolute, relative with a slash, `~`, or dot-relative.
    static func looksLikePath(_ arg: String) -> Bool {
        guard let first = arg.utf8.first, first != UInt8(ascii: "-") else { return false }
        if first == UInt8(ascii: "/") || first == UInt8(ascii: "~") { return true }
        if arg.hasPrefix("./") || arg.hasPrefix("../") || arg == "." || arg == ".." { return true }
        // "a/b.txt", not URLs ("https://..."), ratios, or code and assignments that hold a path
        // (`print(open('/etc/passwd').read())`, `if=/etc/shadow`: see `embedded`).
        return arg.contains("/") && !arg.contains("://") && arg.utf8.allSatisfy(isPathByte)
    }

    /// Bytes a path written on a command line is made of (globs included); quotes, brackets,
    /// `=`, `;`, `$`, spaces and the like end it.
    static func isPathByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"),
            UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: ","), UInt8(ascii: "~"), UInt8(ascii: "*"),
            UInt8(ascii: "?"), UInt8(ascii: "#"):
            return true
        default:
            return b >= 0x80
        }
    }

    /// Bytes after which an embedded path may start.
    static let pathStarts: [UInt8] = Array(" \t'\"=(,:<>[{;`".utf8)

    /// Absolute and home paths written inside an argument that is not itself a path: an
    /// option's or assignment's value (`--file=/etc/passwd`, `if=/etc/shadow`) and paths quoted
    /// in inline code (`python3 -c "print(open('/etc/passwd').read())"`, `node -e ...`). A path
    /// starts at `/` or `~/` at the start or after a space, quote, `=`, `(`, `,`, `:`, `<`, `>`,
    /// `[`, `{`, `;` or backtick, and runs over path bytes; `//` (a URL's) does not start one.
    /// A regular expression written `/root/` after a space reads as a path too: the shape then
    /// names a place the run may not have read, which errs toward telling.
    static func embedded(_ arg: String) -> [String] {
        // Most arguments hold no slash at all: nothing to look for.
        guard arg.utf8.contains(UInt8(ascii: "/")) else { return [] }
        let b = Array(arg.utf8)
        let starts = pathStarts
        var out: [String] = []
        var i = 0
        while i < b.count {
            let slash = b[i] == UInt8(ascii: "/")
            let tilde = b[i] == UInt8(ascii: "~") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "/")
            guard slash || tilde, i == 0 || starts.contains(b[i - 1]) else {
                i += 1
                continue
            }
            if slash && i + 1 < b.count && b[i + 1] == UInt8(ascii: "/") {
                i += 2
                continue
            }
            var j = i + 1
            while j < b.count && isPathByte(b[j]) { j += 1 }
            // At least one named component (`/` alone, or `/ 2`, is not a path).
            if b[i..<j].contains(where: { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "~") }) {
                out.append(String(decoding: b[i..<j], as: UTF8.self))
            }
            i = j
        }
        return out
    }

    /// `arg` as an absolute path: `~` is home, relative is against `cwd`; `.` and `..`
    /// components folded so `../../etc/passwd` is seen for what it is.
    static func absolute(_ arg: String, cwd: String, home: String?) -> String {
        var p = arg
        if p == "~" || p.hasPrefix("~/") { p = (home ?? "/root") + p.dropFirst() }
        if !p.hasPrefix("/") { p = cwd + "/" + p }
        var parts: [Substring] = []
        for c in p.split(separator: "/") {
            if c == "." || c.isEmpty { continue }
            if c == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }
}
