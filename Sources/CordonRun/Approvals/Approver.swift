// Only a person decides. A sandboxed process cannot reach the store or the key at all (both are
// hidden); outside a sandbox, `approve`/`reject` need either the controlling terminal, where
// the person types the approval id back, or the approver key made by `cordon approvals key`.
// What this does not stop: a program running unsandboxed as the same user can read that key
// file and the terminal is its too (docs/approvals.md says so, and what to do about it).
import CordonBase
import CordonStore

#if canImport(Glibc)
    import Glibc
#endif

public enum Approver {
    /// Where `cordon approvals key` writes by default (hidden from every sandbox).
    public static func defaultKeyPath(environment: [String: String]) -> String {
        let home = environment["HOME"] ?? "/root"
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        return config + "/cordon/approver.key"
    }

    /// Makes the key file when it does not exist (32 random bytes as hex, mode 0600, its
    /// directory 0700) and registers its hash with `desk`'s store. Returns whether it was new.
    public static func makeKey(at path: String, desk: ApprovalDesk, by: String) throws(ApprovalError) -> Bool {
        var created = false
        if !FileIO.exists(path) {
            let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            if !dir.isEmpty && !FileIO.isDirectory(dir) {
                if mkdirAll(dir) != 0 { throw ApprovalError("create \(dir): \(Errno(errno))") }
            }
            let hex = StoreSeal.newKeyText()
            let fd = FileIO.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
            if fd < 0 { throw ApprovalError("create \(path): \(Errno(errno))") }
            let (_, err) = hex.utf8CString.withUnsafeBytes {
                FileIO.writeAll(fd, UnsafeRawBufferPointer(rebasing: $0.dropLast()))
            }
            close(fd)
            if err != 0 { throw ApprovalError("write \(path): \(Errno(err))") }
            created = true
        }
        let hash = try keyHash(path)
        do throws(StoreError) {
            try desk.store.addApproverKey(hash: hash, by: by, at: ApprovalDesk.now())
        } catch {
            throw ApprovalError(error)
        }
        return created
    }

    /// SHA-256 of the key's text. A key others may read is refused: it would let them approve.
    static func keyHash(_ path: String) throws(ApprovalError) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw ApprovalError("key \(path): \(Errno(errno))") }
        guard st.st_mode & 0o077 == 0 else {
            throw ApprovalError(
                "key \(path) can be read by other users (mode \(String(st.st_mode & 0o777, radix: 8))); run 'chmod 600 \(path)'"
            )
        }
        let bytes: [UInt8]
        do throws(SystemError) { bytes = try FileIO.readFile(path, limit: 4096) } catch {
            throw ApprovalError("key \(path): \(error)")
        }
        let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        guard text.count >= 32 else { throw ApprovalError("key \(path) is too short to be an approver key") }
        return SHA256.hex(Array(text.utf8))
    }

    /// Whether `path` holds a key registered with this store.
    public static func checkKey(_ path: String, desk: ApprovalDesk) throws(ApprovalError) -> Bool {
        let hash = try keyHash(path)
        do throws(StoreError) { return try desk.store.isApproverKey(hash: hash) } catch { throw ApprovalError(error) }
    }

    /// The controlling terminal, when there is one and stdin is it: nil otherwise.
    public static func openTerminal() -> Int32? {
        guard isatty(0) == 1 else { return nil }
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// Shows `text` on the terminal and reads one line back.
    public static func ask(_ fd: Int32, _ text: String) -> String? {
        var t = text
        t.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
        var line: [UInt8] = []
        var c: UInt8 = 0
        while line.count < 256 {
            let n = read(fd, &c, 1)
            if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if c == 0x0a { break }
            line.append(c)
        }
        return String(decoding: line, as: UTF8.self).trimmingBlanks()
    }

    static func mkdirAll(_ path: String) -> Int32 {
        var cur = ""
        for part in path.split(separator: "/") {
            cur += "/" + part
            if mkdir(cur, 0o700) != 0 && errno != EEXIST { return -1 }
        }
        return 0
    }
}

extension String {
    func trimmingBlanks() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
