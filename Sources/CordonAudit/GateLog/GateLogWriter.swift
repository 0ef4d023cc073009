// Appends hash-chained lines to gate.log, safely from many processes at once.
//
// Per append: take `flock` on `gate.log.lock` (a file that never rotates, so the lock does not
// move with a rename) with a bounded wait; make sure our fd is still the file named gate.log
// (another process may have rotated it); read the previous chain value from the last bytes of
// the file (not the whole file); rotate if the line would pass `maxSize`; write the whole line
// with one `write` on an O_APPEND fd; unlock. Any failure throws an AuditError naming the file
// and the reason, and the caller must not run the command (fail closed).
import CordonBase
import CordonGate

#if canImport(Glibc)
    import Glibc
#endif

public final class GateLogWriter {
    public let directory: LogDirectory
    public let maxSize: UInt64
    public let keep: Int
    /// Seconds to wait for the lock before failing.
    public let lockTimeout: Double

    /// The log directory, opened once: every file is named relative to it (see LogDirectory).
    private var dirFD: Int32 = -1
    private var lockFD: Int32 = -1
    private var logFD: Int32 = -1
    private var logDev: UInt64 = 0
    private var logIno: UInt64 = 0
    /// The file's size and last chain value right after our own last write: when both still
    /// hold, nobody else appended and the tail need not be read again.
    private var knownSize: Int = -1
    private var knownChain = ""
    /// `gate.log.anchor` (LogAnchor), and what it held after our own last write.
    private var anchorFD: Int32 = -1
    private var knownAnchor: LogAnchor?
    /// The anchor file's length after our last write of it (nil: not known).
    private var anchorLength: Int?

    /// Creates the directory (0700) and opens the lock file. Throws if either is impossible,
    /// so `cordon run` fails before the command starts.
    public init(directory: LogDirectory, maxSize: UInt64 = 64 << 20, keep: Int = 5, lockTimeout: Double = 5)
        throws(AuditError)
    {
        self.directory = directory
        self.maxSize = max(maxSize, 4096)
        self.keep = max(keep, 0)
        self.lockTimeout = lockTimeout
        try directory.create()
        dirFD = try directory.openDirectory()
        lockFD = Self.openAt(dirFD, "gate.log.lock", O_RDWR | O_CREAT | O_NOFOLLOW)
        if lockFD < 0 {
            let e = errno
            close(dirFD)
            throw Self.openError("open lock file", directory.lockFile, e)
        }
        FileIO.adoptOwner(lockFD, directory: dirFD)
        anchorFD = Self.openAt(dirFD, LogAnchor.fileName, O_RDWR | O_CREAT | O_NOFOLLOW)
        if anchorFD < 0 {
            let e = errno
            close(lockFD)
            close(dirFD)
            throw Self.openError("open", anchorPath, e)
        }
        FileIO.adoptOwner(anchorFD, directory: dirFD)
    }

    var anchorPath: String { directory.path + "/" + LogAnchor.fileName }

    deinit {
        if logFD >= 0 { close(logFD) }
        if anchorFD >= 0 { close(anchorFD) }
        if lockFD >= 0 { close(lockFD) }
        if dirFD >= 0 { close(dirFD) }
    }

    /// openat(2) relative to the log directory, close-on-exec, retried on EINTR.
    static func openAt(_ dir: Int32, _ name: String, _ flags: Int32) -> Int32 {
        Errno.retryingEINTR { openat(dir, name, flags | O_CLOEXEC, mode_t(0o600)) }
    }

    /// The file name of `gate.log.N` (0: gate.log) inside the directory.
    static func logName(_ n: Int) -> String { n == 0 ? "gate.log" : "gate.log.\(n)" }

    private func exists(_ name: String) -> Bool {
        var st = stat()
        return fstatat(dirFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Appends one record; returns its chain value.
    @discardableResult
    public func append(_ record: LogRecord) throws(AuditError) -> String {
        try lock()
        defer { flock(lockFD, LOCK_UN) }
        try openCurrent()
        var st = stat()
        if fstat(logFD, &st) != 0 { throw AuditError.system(.write, "stat", path: directory.gateLog, errno: errno) }
        var size = Int(st.st_size)
        let prev = try previousChain(size: size)
        var anchor = try currentAnchor(size: size, previous: prev)
        var body = record.body()
        let chain = Chain.next(previous: prev, body: body)
        body.append(contentsOf: " chain=".utf8)
        body.append(contentsOf: chain.utf8)
        body.append(0x0a)
        if size > 0 && UInt64(size + body.count) > maxSize {
            try rotate()
            size = 0
            anchor = LogAnchor(lines: 0, bytes: 0, chain: "", broken: anchor.broken)
        }
        let (written, err) = body.withUnsafeBytes { FileIO.writeAll(logFD, $0) }
        if err != 0 {
            // A partial line would break every later append and verify: take it back while we
            // still hold the lock. If even that fails, the tail is torn and the next append says so.
            if written > 0 { _ = ftruncate(logFD, off_t(size)) }
            knownSize = -1
            throw AuditError.system(.write, "append to", path: directory.gateLog, errno: err)
        }
        anchor.lines += 1
        anchor.bytes = size + body.count
        anchor.chain = chain
        do throws(AuditError) {
            // Another process may have written it since: its length is known only while the
            // log is as we left it.
            let previous = size == knownSize ? anchorLength : nil
            anchorLength = try anchor.write(fd: anchorFD, path: anchorPath, previous: previous)
        } catch {
            knownSize = -1
            knownAnchor = nil
            anchorLength = nil
            throw error
        }
        knownAnchor = anchor
        knownSize = size + body.count
        knownChain = chain
        return chain
    }

    /// The anchor as it should be before this append. When the file no longer matches it (cut
    /// short, emptied, rewritten or appended to by something other than cordon), that is noted
    /// in the anchor for `log verify` and the anchor starts again from the file as it is.
    private func currentAnchor(size: Int, previous: String) throws(AuditError) -> LogAnchor {
        if size == knownSize, let a = knownAnchor { return a }
        let found = LogAnchor.read(fd: anchorFD)
        if let a = found, a.bytes == size, size == 0 || a.chain == previous { return a }
        let lines = try countLines(size: size)
        var a = LogAnchor(lines: lines, bytes: size, chain: size > 0 ? previous : "")
        var st = stat()
        let anchorHadContent = fstat(anchorFD, &st) == 0 && st.st_size > 0
        if let old = found {
            a.broken = old.broken
            let what = size == 0 ? "emptied" : size < old.bytes ? "cut short" : "changed"
            a.broken.append(
                "\(Timestamp.now()) gate.log \(what) outside cordon: the anchor recorded \(old.lines) lines (\(old.bytes) bytes) ending in chain \(old.chain.isEmpty ? "-" : old.chain); found \(lines) lines (\(size) bytes) ending in chain \(size > 0 ? previous : "-")"
            )
        } else if anchorHadContent {
            a.broken.append("\(Timestamp.now()) the anchor was unreadable (damaged outside cordon); started again")
        }
        return a
    }

    private func countLines(size: Int) throws(AuditError) -> Int {
        var n = 0
        var off = 0
        while off < size {
            guard let chunk = FileIO.pread(logFD, count: min(1 << 20, size - off), at: off), !chunk.isEmpty else {
                throw AuditError.system(.write, "read", path: directory.gateLog, errno: errno)
            }
            n += chunk.reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) }
            off += chunk.count
        }
        return n
    }

    static func openError(_ op: String, _ path: String, _ e: Int32) -> AuditError {
        if e == ELOOP {
            return AuditError(
                .write, "\(op) \(path): is a symbolic link (refused: the log is written only to regular files)",
                path: path, errno: e)
        }
        return AuditError.system(.write, op, path: path, errno: e)
    }

    private func lock() throws(AuditError) {
        if flock(lockFD, LOCK_EX | LOCK_NB) == 0 { return }
        // flock has no timeout: poll with a growing sleep (20 µs up to 2 ms), which under
        // contention costs little next to a write and keeps the wait bounded.
        let start = Timestamp.monotonicSeconds()
        var sleepNs = 20_000
        while true {
            let e = errno
            if e != EWOULDBLOCK && e != EINTR {
                throw AuditError.system(.write, "lock", path: directory.lockFile, errno: e)
            }
            if Timestamp.monotonicSeconds() - start > lockTimeout {
                throw AuditError(
                    .write,
                    "lock \(directory.lockFile): held by another process for more than \(formatSeconds(lockTimeout))",
                    path: directory.lockFile, errno: EWOULDBLOCK)
            }
            var ts = timespec(tv_sec: 0, tv_nsec: sleepNs)
            nanosleep(&ts, nil)
            sleepNs = min(sleepNs * 2, 2_000_000)
            if flock(lockFD, LOCK_EX | LOCK_NB) == 0 { return }
        }
    }

    /// Opens gate.log if needed, or reopens it when the name now points at another file.
    private func openCurrent() throws(AuditError) {
        var st = stat()
        if logFD >= 0, fstatat(dirFD, Self.logName(0), &st, AT_SYMLINK_NOFOLLOW) == 0, UInt64(st.st_dev) == logDev,
            UInt64(st.st_ino) == logIno
        {
            return
        }
        if logFD >= 0 {
            close(logFD)
            logFD = -1
            knownSize = -1
        }
        // O_NOFOLLOW: a `.cordon/gate.log` symlink (say, committed to the repository being
        // worked on) must not turn our appends into writes to ~/.bashrc or anywhere else.
        let fd = Self.openAt(dirFD, Self.logName(0), O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW)
        if fd < 0 { throw Self.openError("open", directory.gateLog, errno) }
        if fstat(fd, &st) != 0 || (st.st_mode & S_IFMT) != S_IFREG {
            close(fd)
            throw AuditError(.write, "open \(directory.gateLog): not a regular file", path: directory.gateLog)
        }
        FileIO.adoptOwner(fd, directory: dirFD)
        logFD = fd
        logDev = UInt64(st.st_dev)
        logIno = UInt64(st.st_ino)
    }

    /// The chain value of the last line: the tail of gate.log, or of gate.log.1 when gate.log is
    /// new after a rotation, or "" at the very start.
    private func previousChain(size: Int) throws(AuditError) -> String {
        if size == knownSize { return knownChain }
        if size > 0 { return try Chain.lastValue(fd: logFD, size: size, path: directory.gateLog) }
        let older = directory.rotated(1)
        let fd = Self.openAt(dirFD, Self.logName(1), O_RDONLY | O_NOFOLLOW)
        if fd < 0 { return Chain.genesis }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return Chain.genesis }
        return try Chain.lastValue(fd: fd, size: Int(st.st_size), path: older)
    }

    /// gate.log → gate.log.1 → ... → gate.log.keep (the oldest dropped). Called with the lock held.
    private func rotate() throws(AuditError) {
        if keep == 0 {
            if unlinkat(dirFD, Self.logName(0), 0) != 0 && errno != ENOENT {
                throw AuditError.system(.write, "rotate (remove)", path: directory.gateLog, errno: errno)
            }
        } else {
            // The oldest goes, and so does anything beyond it left by a larger `log.keep` before.
            _ = unlinkat(dirFD, Self.logName(keep), 0)
            var n = keep + 1
            while unlinkat(dirFD, Self.logName(n), 0) == 0 { n += 1 }
            if keep > 1 {
                for n in stride(from: keep - 1, through: 1, by: -1) where exists(Self.logName(n)) {
                    if renameat(dirFD, Self.logName(n), dirFD, Self.logName(n + 1)) != 0 {
                        throw AuditError.system(.write, "rotate (rename)", path: directory.rotated(n), errno: errno)
                    }
                }
            }
            if renameat(dirFD, Self.logName(0), dirFD, Self.logName(1)) != 0 {
                throw AuditError.system(.write, "rotate (rename)", path: directory.gateLog, errno: errno)
            }
        }
        try openCurrent()
    }
}

extension GateLogWriter {
    /// One decision as a gate.log line, for `check`/`inspect`/`validate --log` (no trace).
    @discardableResult
    public func append(_ d: Decision, for action: Action, run: String = "", pid: Int32? = getpid()) throws(AuditError)
        -> String
    {
        try append(LogRecord(d, command: ActionCoding.commandBytes(action), run: run, pid: pid))
    }
}

func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
}

extension Timestamp {
    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
