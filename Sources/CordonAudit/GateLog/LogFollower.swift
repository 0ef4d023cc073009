// `cordon log --follow`: `tail -F` for gate.log. Polls rather than using inotify, so it works
// the same on every file system and survives what happens to the name: rotation (the name
// now points at a new file: finish the old one, then read the new one from its start),
// deletion (warn once, wait for the name to come back) and truncation (warn, read from 0).
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public final class LogFollower {
    public let path: String
    private var fd: Int32 = -1
    private var dev: UInt64 = 0
    private var ino: UInt64 = 0
    private var offset = 0
    private var partial: [UInt8] = []
    private var missingWarned = false

    /// Starts at the current end of `path` (what is already there was shown before following).
    public init(path: String, fromEnd: Bool = true) {
        self.path = path
        if open() && fromEnd {
            var st = stat()
            if fstat(fd, &st) == 0 { offset = Int(st.st_size) }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    private func open() -> Bool {
        let f = FileIO.open(path, O_RDONLY)
        guard f >= 0 else { return false }
        var st = stat()
        fstat(f, &st)
        fd = f
        dev = UInt64(st.st_dev)
        ino = UInt64(st.st_ino)
        offset = 0
        partial = []
        return true
    }

    /// Complete new lines since the last call, and warnings to show (each said once).
    public func poll() -> (lines: [[UInt8]], warnings: [String]) {
        var lines: [[UInt8]] = []
        var warnings: [String] = []
        if fd < 0 {
            if open() {
                if missingWarned { warnings.append("\(path): back; following the new file") }
                missingWarned = false
            } else {
                if !missingWarned { warnings.append("\(path): \(errnoString(errno)); waiting for it to appear") }
                missingWarned = true
                return ([], warnings)
            }
        }
        var st = stat()
        if fstat(fd, &st) == 0 && Int(st.st_size) < offset {
            warnings.append("\(path): truncated; reading from its start")
            offset = 0
            partial = []
        }
        drain(into: &lines)
        var now = stat()
        if stat(path, &now) != 0 {
            drain(into: &lines)
            if !missingWarned {
                warnings.append("\(path): disappeared (deleted or moved); waiting for it to come back")
            }
            missingWarned = true
            close(fd)
            fd = -1
        } else if UInt64(now.st_dev) != dev || UInt64(now.st_ino) != ino {
            // Rotated. Writers rename under the lock, so nothing more lands in our old file once
            // the name has moved on: finish it, then read every file rotated since (a fast writer
            // can rotate several times between two polls), then the new file.
            drain(into: &lines)
            close(fd)
            fd = -1
            for older in rotatedSince() { lines += Self.wholeLines(older) }
            if open() { drain(into: &lines) }
        }
        return (lines, warnings)
    }

    /// `path.N ... path.1` that are newer than the file we were reading, oldest first. If ours
    /// was already dropped (keep exceeded), every rotated file is newer.
    private func rotatedSince() -> [String] {
        var newer: [String] = []
        var n = 1
        while n <= 10_000 {
            let p = "\(path).\(n)"
            var st = stat()
            guard stat(p, &st) == 0 else { break }
            if UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino { break }
            newer.append(p)
            n += 1
        }
        return newer.reversed()
    }

    private static func wholeLines(_ p: String) -> [[UInt8]] {
        guard let bytes = try? AuditError.readFile(p) else { return [] }
        return bytes.split(separator: 0x0a).map(Array.init)
    }

    private func drain(into lines: inout [[UInt8]]) {
        guard let data = FileIO.preadAll(fd, from: offset) else { return }
        offset += data.count
        var start = 0
        for i in data.indices where data[i] == 0x0a {
            lines.append(partial + data[start..<i])
            partial = []
            start = i + 1
        }
        partial += data[start...]
    }
}

extension FileIO {
    /// Everything from `offset` to the current end of file.
    static func preadAll(_ fd: Int32, from offset: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var off = offset
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, $0.count, off_t(off)) }
            if n < 0 {
                if errno == EINTR { continue }
                return out.isEmpty ? nil : out
            }
            if n == 0 { return out }
            out += chunk[0..<n]
            off += n
        }
    }
}
