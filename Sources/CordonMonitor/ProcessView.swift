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
        var m = RemoteMemory(pid: pid)
        return m.string(at: addr, limit: limit)
    }

    /// A NULL-terminated array of string pointers (argv).
    static func stringArray(pid: Int32, at addr: UInt64) -> [String]? {
        var m = RemoteMemory(pid: pid)
        return m.stringArray(at: addr)
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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(PATH_MAX) + 1) { buf in
            let n = buf.withMemoryRebound(to: CChar.self) { readlink(path, $0.baseAddress!, $0.count - 1) }
            guard n >= 0 else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[0..<n]), as: UTF8.self)
        }
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

/// Reads of one process's memory for one notification. Every read runs from its address to the
/// end of that page (one process_vm_readv; an unmapped page after a short string must not fail
/// the read), and what was read is kept: an exec's path, its argv pointer array and the argv
/// strings usually lie in one page (a shell passes argv[0] at the path's own address), so most
/// execs need one or two reads instead of one per string. Serving a later string from bytes read
/// a few microseconds earlier is no weaker than reading it again: any read of another process's
/// memory can be outdated by the time the kernel reads it (seccomp_unotify(2), "Caveats"), which
/// is why the caller checks ID_VALID afterwards and every allowed exec's outcome is compared
/// with what was judged before it runs (ExecRace).
struct RemoteMemory {
    let pid: Int32
    /// The most recent reads: (address, bytes from there to the end of its page).
    private var chunks: [(UInt64, [UInt8])] = []
    static let keep = 4
    /// process_vm_readv calls made so far.
    private(set) var reads = 0

    init(pid: Int32) { self.pid = pid }

    /// The bytes at `addr` up to the end of a chunk already read, else from a new read.
    private mutating func block(at addr: UInt64) -> ArraySlice<UInt8>? {
        for (start, bytes) in chunks where addr >= start && addr - start < UInt64(bytes.count) {
            return bytes[Int(addr - start)...]
        }
        let toPageEnd = 4096 - Int(addr % 4096)
        var buf = [UInt8](repeating: 0, count: toPageEnd)
        let n = buf.withUnsafeMutableBytes { cs_read_mem(pid, addr, $0.baseAddress, toPageEnd) }
        reads += 1
        if n <= 0 { return nil }
        if n < toPageEnd { buf.removeLast(toPageEnd - n) }
        if chunks.count >= Self.keep { chunks.removeFirst() }
        chunks.append((addr, buf))
        return buf[...]
    }

    /// A NUL-terminated string at `addr`, at most `limit` bytes.
    mutating func string(at addr: UInt64, limit: Int = ProcessView.maxString) -> String? {
        if addr == 0 { return nil }
        var out: [UInt8] = []
        var a = addr
        while out.count < limit {
            guard let b = block(at: a) else { return nil }
            if let z = b.firstIndex(of: 0) {
                if out.isEmpty { return String(decoding: b[b.startIndex..<z], as: UTF8.self) }
                out.append(contentsOf: b[b.startIndex..<z])
                return String(decoding: out, as: UTF8.self)
            }
            out.append(contentsOf: b)
            a += UInt64(b.count)
        }
        return nil
    }

    /// A NULL-terminated array of string pointers (argv), within the kernel's limits (the
    /// pointers a block at a time: exec is the monitor's hot path).
    mutating func stringArray(at addr: UInt64) -> [String]? {
        if addr == 0 { return [] }
        var out: [String] = []
        var total = 0
        var a = addr
        while out.count < ProcessView.maxArgs {
            // A pointer that straddles the end of what was read is read again from its start.
            guard let b = block(at: a) else { return nil }
            let whole = b.count / 8
            if whole == 0 {
                var p: UInt64 = 0
                let n = withUnsafeMutableBytes(of: &p) { cs_read_mem(pid, a, $0.baseAddress, 8) }
                reads += 1
                if n != 8 { return nil }
                if p == 0 { return out }
                guard let s = string(at: p) else { return nil }
                total += s.utf8.count
                if total > ProcessView.maxArgBytes { return nil }
                out.append(s)
                a += 8
                continue
            }
            var ptrs: [UInt64] = []
            ptrs.reserveCapacity(whole)
            b.withUnsafeBytes { raw in
                for i in 0..<whole { ptrs.append(raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
            }
            for ptr in ptrs {
                if ptr == 0 { return out }
                guard let s = string(at: ptr) else { return nil }
                total += s.utf8.count
                if total > ProcessView.maxArgBytes { return nil }
                out.append(s)
            }
            a += UInt64(whole * 8)
        }
        return nil  // more than maxArgs pointers without the terminating NULL
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
