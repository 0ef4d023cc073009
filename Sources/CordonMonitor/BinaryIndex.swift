// Copies of system programs, recognised by content (security issue A.3). The gate judges a
// program by its name, so `cp /usr/bin/dd ./tool; ./tool of=/dev/sda` would be judged as an
// unknown `./tool`. An exec whose file is outside the system's program directories is compared
// with the programs of the same size in them; a byte-identical copy is judged as the original
// too (the strictest decision stands). Nothing is paid by execs of the system programs
// themselves, and a file whose size matches no system program costs one dictionary lookup.
import CordonBase
import Glibc

final class BinaryIndex {
    /// Where the programs a copy would be made from live. Their mounts are the host's,
    /// read-only inside the sandbox, so cordon reads the same files.
    static let directories = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"]
    /// Larger files are not compared (a copy of a 100 MB compiler is judged by its own name).
    static let maxBytes = 64 << 20

    struct Program {
        var path: String
        var device: UInt64
        var inode: UInt64
    }

    /// Programs by size; built on first use (one readdir and stat per directory entry).
    private var bySize: [Int: [Program]]?
    /// Earlier answers, by device, inode, size and mtime of the copy: a file changed since is
    /// compared again.
    private var known: [String: String?] = [:]

    /// Whether `resolved` (the exec target's path in the sandbox) is itself in a program directory.
    static func isSystem(_ resolved: String) -> Bool {
        directories.contains { resolved.hasPrefix($0 + "/") } || resolved.hasPrefix("/usr/lib")
            || resolved.hasPrefix("/lib")
    }

    /// The system program `fd` (the exec target, opened O_PATH) is a byte-identical copy of, if any.
    func original(of fd: Int32, _ st: stat) -> String? {
        guard (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0, Int(st.st_size) <= Self.maxBytes else { return nil }
        let size = Int(st.st_size)
        let key = "\(st.st_dev):\(st.st_ino):\(size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        if let k = known[key] { return k }
        let candidates = index()[size] ?? []
        var found: String?
        if !candidates.isEmpty {
            // Reopened for reading through /proc (the fd is O_PATH); O_NONBLOCK keeps a FIFO from
            // blocking the monitor.
            let copy = open("/proc/self/fd/\(fd)", O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            if copy >= 0 {
                defer { close(copy) }
                for c in candidates where c.device != UInt64(st.st_dev) || c.inode != UInt64(st.st_ino) {
                    if Self.sameBytes(copy, c.path, size) {
                        found = c.path
                        break
                    }
                }
            }
        }
        if known.count > 4096 { known.removeAll() }
        known[key] = .some(found)
        return found
    }

    private func index() -> [Int: [Program]] {
        if let b = bySize { return b }
        var out: [Int: [Program]] = [:]
        var seen = Set<String>()
        for dir in Self.directories {
            guard let d = opendir(dir) else { continue }
            defer { closedir(d) }
            while let e = readdir(d) {
                let name = FileIO.direntName(e)
                if name == "." || name == ".." { continue }
                var st = stat()
                // Symlinks followed: /bin -> /usr/bin and alternatives name the same files.
                guard stat(dir + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_mode & 0o111 != 0 else {
                    continue
                }
                let id = "\(st.st_dev):\(st.st_ino)"
                if !seen.insert(id).inserted { continue }
                out[Int(st.st_size), default: []].append(
                    Program(path: dir + "/" + name, device: UInt64(st.st_dev), inode: UInt64(st.st_ino)))
            }
        }
        bySize = out
        return out
    }

    /// Byte for byte, 64 KiB at a time (no whole-file buffer: the supervisor stays small).
    static func sameBytes(_ fd: Int32, _ path: String, _ size: Int) -> Bool {
        let other = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard other >= 0 else { return false }
        defer { close(other) }
        let chunk = 64 << 10
        var a = [UInt8](repeating: 0, count: chunk)
        var b = [UInt8](repeating: 0, count: chunk)
        var off = 0
        while off < size {
            let n = pread(fd, &a, chunk, off_t(off))
            let m = pread(other, &b, chunk, off_t(off))
            if n <= 0 || n != m || memcmp(a, b, n) != 0 { return false }
            off += n
        }
        return true
    }
}
