// Thin wrappers over the few file syscalls cordon needs, each retrying EINTR in one place and
// reporting failures as a SystemError naming the path. Glibc only: `cordon run` calls into
// this before every command, so nothing here may pull in Foundation's start-up cost.
#if canImport(Glibc)
    import Glibc
#endif

public enum FileIO {
    /// open(2), retried on EINTR.
    public static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0o600) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 || errno != EINTR { return fd }
        }
    }

    /// write(2) of the whole buffer. Returns the number of bytes written before an error, and
    /// the errno of that error (0 when everything was written).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (written: Int, errno: Int32) {
        guard let base = bytes.baseAddress else { return (0, 0) }
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, base + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                return (off, errno)
            }
            if n == 0 { return (off, ENOSPC) }
            off += n
        }
        return (off, 0)
    }

    /// pread(2) of up to `count` bytes at `offset`.
    public static func pread(_ fd: Int32, count: Int, at offset: Int) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buf.withUnsafeMutableBytes {
                Glibc.pread(fd, $0.baseAddress.map { $0 + got }, count - got, off_t(offset + got))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            got += n
        }
        buf.removeLast(count - got)
        return buf
    }

    /// The whole file, read through one fd. With `limit`, a file that grows past it is refused
    /// (a wrong path given where a small hand-written file was expected) with EFBIG.
    public static func readFile(_ path: String, limit: Int? = nil) throws(SystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw SystemError("open", path: path, errno: .current) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw SystemError("stat", path: path, errno: .current) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw SystemError("read", path: path, errno: .isDirectory) }
        return try readAll(fd, name: path, limit: limit, sizeHint: Int(st.st_size))
    }

    /// Everything left on `fd` (a file, a pipe, standard input); `name` says what it is in errors.
    public static func readAll(_ fd: Int32, name: String, limit: Int? = nil, sizeHint: Int = 0) throws(SystemError)
        -> [UInt8]
    {
        var out: [UInt8] = []
        out.reserveCapacity(min(sizeHint, limit ?? Int.max) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", path: name, errno: .current)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if let limit, out.count > limit { throw SystemError("read", path: name, errno: .fileTooLarge) }
        }
        return out
    }

    /// realpath(3), or nil when the path does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Directory entries (names only, without `.` and `..`).
    public static func list(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = direntName(e)
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The name of a readdir entry, read where it lies up to its NUL. Never `e.pointee`: an
    /// entry is only d_reclen bytes long, and copying all of struct dirent reads past the last
    /// entry of readdir's buffer, which can be the end of a mapping (a SIGSEGV in memcpy, seen
    /// when /tmp was listed on a second thread).
    public static func direntName(_ e: UnsafeMutablePointer<dirent>) -> String {
        String(cString: UnsafeRawPointer(e).advanced(by: direntNameOffset).assumingMemoryBound(to: CChar.self))
    }

    static let direntNameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19

    /// The current working directory, or "." when it cannot be read (deleted cwd).
    public static func cwd() -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil else { return "." }
        return String(cString: buf)
    }

    /// Evidence belongs to whoever owns the directory it is written in. When root runs cordon in
    /// a user's project, every file and directory it creates under `.cordon/` is given to the
    /// directory's owner, or that user's next `cordon run` could not write its own evidence
    /// (and could not read its gate.log). A no-op unless running as root and the directory
    /// belongs to someone else; fchown on the open descriptor, so no path is followed.
    public static func adoptOwner(_ fd: Int32, directory dirFD: Int32) {
        guard geteuid() == 0 else { return }
        var st = stat()
        guard fstat(dirFD, &st) == 0, st.st_uid != 0 else { return }
        _ = fchown(fd, st.st_uid, st.st_gid)
    }

    /// The same, for a directory named by path (a freshly made `.cordon/` takes its parent's
    /// owner). The entry itself is not followed if it is a symlink.
    public static func adoptOwner(of path: String, directory: String) {
        guard geteuid() == 0 else { return }
        var st = stat()
        guard stat(directory, &st) == 0, st.st_uid != 0 else { return }
        _ = fchownat(AT_FDCWD, path, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW)
    }
}
