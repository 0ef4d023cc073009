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
        // "a/b.txt", not URLs ("https://...") or ratios.
        return arg.contains("/") && !arg.contains("://") && !arg.contains(" ")
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
