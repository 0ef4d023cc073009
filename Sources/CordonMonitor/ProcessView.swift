import CSandbox
// Reading a sandboxed process: its memory (process_vm_readv) and /proc. Everything read from
// memory is racy by nature (seccomp_unotify(2), "Caveats"): the caller checks ID_VALID after
// each read, and exec decisions close the race separately (ExecRace).
import CordonBase
import Glibc

enum ProcessView {
    // At least what the kernel accepts, so every exec it would run can be read whole: one
    // string up to MAX_ARG_STRLEN (32 pages), and argv within 3/4 of the 8 MiB stack cap
    // (fs/exec.c). More than that cannot be exec'd, and a read that would exceed it fails
    // (the exec is then refused) instead of being gated on a truncated argv.
    static let maxString = 32 * 4096
    static let maxArgs = 1 << 20
    static let maxArgBytes = 6 << 20

    /// A NUL-terminated string at `addr`, read a page at a time so an unmapped page after a
    /// short string does not fail the whole read.
    static func string(pid: Int32, at addr: UInt64, limit: Int = maxString) -> String? {
        if addr == 0 { return nil }
        var out: [UInt8] = []
        var a = addr
        var buf = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let toPageEnd = 4096 - Int(a % 4096)
            let n = buf.withUnsafeMutableBytes { cs_read_mem(pid, a, $0.baseAddress, toPageEnd) }
            if n <= 0 { return nil }
            if let z = buf[0..<n].firstIndex(of: 0) {
                out.append(contentsOf: buf[0..<z])
                return String(decoding: out, as: UTF8.self)
            }
            out.append(contentsOf: buf[0..<n])
            a += UInt64(n)
        }
        return nil
    }

    /// A NULL-terminated array of string pointers (argv). Pointers are read a page-bounded
    /// block at a time, not one syscall per pointer: exec is the monitor's hot path.
    static func stringArray(pid: Int32, at addr: UInt64) -> [String]? {
        if addr == 0 { return [] }
        var out: [String] = []
        var total = 0
        var a = addr
        var block = [UInt64](repeating: 0, count: 512)
        while out.count < maxArgs {
            let toPageEnd = 4096 - Int(a % 4096)
            let want = max(8, min(toPageEnd, block.count * 8)) / 8 * 8
            let n = block.withUnsafeMutableBytes { cs_read_mem(pid, a, $0.baseAddress, want) }
            if n < 8 { return nil }
            for i in 0..<(n / 8) {
                let ptr = block[i]
                if ptr == 0 { return out }
                guard let s = string(pid: pid, at: ptr) else { return nil }
                total += s.utf8.count
                if total > maxArgBytes { return nil }
                out.append(s)
            }
            a += UInt64(n / 8 * 8)
        }
        return nil  // more than maxArgs pointers without the terminating NULL
    }

    static func bytes(pid: Int32, at addr: UInt64, count: Int) -> [UInt8]? {
        guard addr != 0, count > 0, count <= 4096 else { return nil }
        var buf = [UInt8](repeating: 0, count: count)
        let n = buf.withUnsafeMutableBytes { cs_read_mem(pid, addr, $0.baseAddress, count) }
        return n == count ? buf : nil
    }

    static func readFile(_ path: String, limit: Int = 65536) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    static func link(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    struct Status {
        var tgid: Int32
        var ppid: Int32
        var threads: Int
        var state: Character
    }

    static func status(_ pid: Int32) -> Status? {
        guard let b = readFile("/proc/\(pid)/status") else { return nil }
        var st = Status(tgid: pid, ppid: 0, threads: 1, state: "?")
        for line in String(decoding: b, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("Tgid:") {
                st.tgid = Int32(line.dropFirst(5).trimmingSpaces()) ?? pid
            } else if line.hasPrefix("PPid:") {
                st.ppid = Int32(line.dropFirst(5).trimmingSpaces()) ?? 0
            } else if line.hasPrefix("Threads:") {
                st.threads = Int(line.dropFirst(8).trimmingSpaces()) ?? 1
            } else if line.hasPrefix("State:") {
                st.state = line.dropFirst(6).trimmingSpaces().first ?? "?"
            }
        }
        return st
    }

    /// state, ppid and thread count from one short read of /proc/PID/stat (fields 3, 4, 20),
    /// parsed in C on a stack buffer: this runs for every exec.
    static func quickStat(_ pid: Int32) -> (state: Character, ppid: Int32, threads: Int)? {
        var st: CChar = 0
        var ppid: Int32 = 0
        var threads: Int32 = 0
        guard cs_proc_stat(pid, &st, &ppid, &threads) == 0 else { return nil }
        return (Character(UnicodeScalar(UInt8(bitPattern: st))), ppid, Int(threads))
    }

    /// The number of threads in `pid`'s thread group, or nil when it is gone (cs_proc_threads:
    /// one stat, no file to open or format). This runs for every exec.
    static func threads(_ pid: Int32) -> Int? {
        let n = cs_proc_threads(pid)
        return n > 0 ? Int(n) : nil
    }

    /// The one-letter scheduler state from /proc/PID/stat (after the parenthesised name, which
    /// may itself contain spaces and parentheses).
    static func state(_ pid: Int32, task: Int32? = nil) -> Character? {
        let path = task.map { "/proc/\(pid)/task/\($0)/stat" } ?? "/proc/\(pid)/stat"
        guard let b = readFile(path, limit: 1024), let close = b.lastIndex(of: UInt8(ascii: ")")), close + 2 < b.count
        else { return nil }
        return Character(UnicodeScalar(b[close + 2]))
    }

    static func tasks(_ pid: Int32) -> [Int32] {
        guard let d = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(d) }
        var out: [Int32] = []
        while let e = readdir(d) {
            let name = FileIO.direntName(e)
            if let t = Int32(name) { out.append(t) }
        }
        return out
    }

    /// `/proc/PID/cmdline` split at NULs.
    static func cmdline(_ pid: Int32) -> [String]? {
        guard let b = readFile("/proc/\(pid)/cmdline", limit: maxArgBytes + 4096) else { return nil }
        var parts = b.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// Device and inode of what a path names (following symlinks), or nil.
    static func identity(_ path: String) -> (UInt64, UInt64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

extension cs_notif {
    /// Syscall argument `i` (the C array imports as a tuple).
    func arg(_ i: Int) -> UInt64 {
        withUnsafeBytes(of: args) { $0.load(fromByteOffset: i * 8, as: UInt64.self) }
    }
}
