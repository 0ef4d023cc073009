// Trust on first use for policies the sandbox could rewrite. A policy kept in the workspace
// (or reached from there through `extends:`) is hidden from the run it governs, but a command can
// rename the directory around it and plant another one for the next run, say with
// `network: host`. So cordon remembers the hash of such a policy (its whole extends chain) the
// first time a person runs it, and refuses it once it changed, until someone looks at it and
// runs `cordon policy trust FILE` (security issue D.10). The pins live in the log directory,
// which no sandbox can see, opened without following symlinks like the rest of the evidence.
import CordonAudit
import CordonBase
import CordonPolicy

#if canImport(Glibc)
    import Glibc
#endif

public enum PolicyPins {
    static let fileName = "policy-pins"

    public enum Verdict: Equatable, Sendable {
        /// The pinned hash matches.
        case trusted
        /// Never seen: pinned now.
        case firstUse
        /// Pinned with another hash: the file (or a parent) changed since.
        case changed(pinned: String)
    }

    /// The real paths of the policy's files (the file and its `extends:` parents) that lie
    /// under one of `writable` (the workspace, `read_write` paths): the ones a run could change.
    public static func exposed(_ policy: Policy, writable: [String]) -> [String] {
        let places = writable.compactMap(FileIO.realPath)
        return ([policy.source.path] + policy.source.parents).compactMap(FileIO.realPath).filter { f in
            places.contains { f == $0 || f.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
        }
    }

    /// Compares the policy's hash with its pin, pinning it when it has none.
    public static func check(_ policy: Policy, in directory: LogDirectory) throws(AuditError) -> Verdict {
        guard let key = FileIO.realPath(policy.source.path) else { return .trusted }
        let pins = try read(directory)
        guard let pinned = pins[key] else {
            try pin(key, policy.source.sha256, in: directory)
            return .firstUse
        }
        return pinned == policy.source.sha256 ? .trusted : .changed(pinned: pinned)
    }

    /// Pins the policy as it is now (`cordon policy trust`).
    public static func trust(_ policy: Policy, in directory: LogDirectory) throws(AuditError) {
        guard let key = FileIO.realPath(policy.source.path) else { return }
        try pin(key, policy.source.sha256, in: directory)
    }

    /// `path -> sha256`, the last line for a path winning.
    static func read(_ directory: LogDirectory) throws(AuditError) -> [String: String] {
        try directory.create()
        let dir = try directory.openDirectory()
        defer { close(dir) }
        let fd = Errno.retryingEINTR { openat(dir, fileName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        if fd < 0 {
            if errno == ENOENT { return [:] }
            throw AuditError.system(.read, "open", path: directory.path + "/" + fileName, errno: errno)
        }
        defer { close(fd) }
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try FileIO.readAll(fd, name: directory.path + "/" + fileName, limit: 16 << 20)
        } catch {
            throw AuditError(.read, error)
        }
        var out: [String: String] = [:]
        for line in bytes.split(separator: 0x0a) {
            // "<64 hex> <path>"
            guard line.count > 65, line[line.startIndex + 64] == 0x20 else { continue }
            let hash = String(decoding: line.prefix(64), as: UTF8.self)
            out[String(decoding: line.dropFirst(65), as: UTF8.self)] = hash
        }
        return out
    }

    static func pin(_ path: String, _ hash: String, in directory: LogDirectory) throws(AuditError) {
        try directory.create()
        let dir = try directory.openDirectory()
        defer { close(dir) }
        let name = directory.path + "/" + fileName
        let fd = Errno.retryingEINTR {
            openat(dir, fileName, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
        }
        if fd < 0 { throw AuditError.system(.write, "open", path: name, errno: errno) }
        defer { close(fd) }
        FileIO.adoptOwner(fd, directory: dir)
        let line = Array("\(hash) \(path)\n".utf8)
        let (_, e) = line.withUnsafeBytes { FileIO.writeAll(fd, $0) }
        if e != 0 { throw AuditError.system(.write, "append to", path: name, errno: e) }
    }

}
