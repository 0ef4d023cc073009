// The anchor of gate.log (security issue D.12): the file's length, line count and last chain
// value, kept in `gate.log.anchor` next to it and rewritten, under the append lock, with every
// line cordon writes. The chain alone shows edits, drops and inserts in the middle, but not a
// log cut at the end, emptied, or rewritten from the start with a recomputed chain: each of
// those is still a valid chain. Against the anchor, `cordon log verify` reports all three.
//
// When cordon's writer finds the file no longer matches the anchor (changed by something other
// than cordon), it keeps a note of it in the anchor (`broken`) before going on, so verify still
// reports it after later appends. The sandbox never sees either file (.cordon is hidden inside
// every run). What remains: someone with write access to both gate.log and its anchor can
// rewrite both consistently; pin a chain value outside the machine for that (docs/audit.md).
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public struct LogAnchor: Equatable, Sendable {
    public static let fileName = "gate.log.anchor"
    public var lines: Int
    public var bytes: Int
    public var chain: String
    /// What cordon's writer found changed outside cordon (kept, newest last, at most 20).
    public var broken: [String] = []

    public init(lines: Int, bytes: Int, chain: String, broken: [String] = []) {
        self.lines = lines
        self.bytes = bytes
        self.chain = chain
        self.broken = broken
    }

    func encoded() -> [UInt8] {
        var s = "cordon-anchor 1 lines=\(lines) bytes=\(bytes) chain=\(chain.isEmpty ? "-" : chain)\n"
        for b in broken.suffix(20) { s += "broken " + String(b.map { $0 == "\n" ? " " : $0 }) + "\n" }
        return Array(s.utf8)
    }

    /// nil for anything that is not an anchor this version wrote.
    static func parse(_ bytes: [UInt8]) -> LogAnchor? {
        let text = String(decoding: bytes, as: UTF8.self)
        var rows = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let head = rows.first else { return nil }
        rows.removeFirst()
        let f = head.split(separator: " ")
        guard f.count == 5, f[0] == "cordon-anchor", f[1] == "1" else { return nil }
        func value(_ part: Substring, _ key: String) -> String? {
            part.hasPrefix(key + "=") ? String(part.dropFirst(key.count + 1)) : nil
        }
        guard let l = value(f[2], "lines").flatMap(Int.init), let b = value(f[3], "bytes").flatMap(Int.init),
            let c = value(f[4], "chain"), l >= 0, b >= 0
        else { return nil }
        let broken = rows.filter { $0.hasPrefix("broken ") }.map { String($0.dropFirst(7)) }
        return LogAnchor(lines: l, bytes: b, chain: c == "-" ? "" : c, broken: broken)
    }

    /// Reads the anchor through an open fd; nil when it is empty or not an anchor.
    static func read(fd: Int32) -> LogAnchor? {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0, st.st_size < 64 << 10,
            let bytes = FileIO.pread(fd, count: Int(st.st_size), at: 0)
        else { return nil }
        return parse(bytes)
    }

    /// Rewrites the anchor in place (the lock is held): one pwrite, and a truncate only when the
    /// text got shorter than `previous` bytes (nil: unknown). Its counts only grow between
    /// rotations, so an append usually costs the one write. A write cut short by a crash leaves
    /// an unreadable anchor, which the next append reports and replaces. Returns the length.
    func write(fd: Int32, path: String, previous: Int?) throws(AuditError) -> Int {
        let b = encoded()
        let n = b.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        let shorter = previous.map { b.count < $0 } ?? true
        if n != b.count || (shorter && ftruncate(fd, off_t(b.count)) != 0) {
            throw AuditError.system(.write, "update the anchor", path: path, errno: n < 0 ? errno : EIO)
        }
        return b.count
    }

    /// The anchor of `log` (a path to gate.log), if there is one next to it.
    public static func beside(_ log: String) -> (path: String, anchor: LogAnchor?)? {
        guard log.hasSuffix("gate.log") else { return nil }
        let dir = log.contains("/") ? String(log[..<(log.lastIndex(of: "/") ?? log.endIndex)]) : "."
        let path = dir + "/" + fileName
        guard FileIO.exists(path) else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return (path, nil) }
        defer { close(fd) }
        return (path, read(fd: fd))
    }
}
