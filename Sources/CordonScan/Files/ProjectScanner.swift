// Scanning paths on disk: walking directories (not into dependency or build folders, not
// through symlinked directories), honouring --exclude globs, reading each file once, reusing
// cached results for content already scanned, and scanning the rest on every core.
// This is the only part of CordonScan that does I/O; the CLI and `cordon run`'s scan on
// start share it.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public struct ScanError: Error, Sendable {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}

public struct ScanRequest: Sendable {
    public var paths: [String]
    public var recursive = false
    /// Globs matched against each file's reported path and its name (`vendor/*`, `*.min.js`).
    public var excludes: [String] = []
    /// Where the result cache lives (`.cordon`); nil: no cache.
    public var cacheDirectory: String?
    /// A directory prefix left out of reported paths (`cordon run` scans absolute paths in its
    /// workspace and reports them relative to it).
    public var base: String?
    public init(paths: [String]) { self.paths = paths }
}

public enum ProjectScanner {
    /// Folders that hold other people's code or build output, never the agent's own.
    static let skippedDirectories: Set<String> = [
        ".git", "node_modules", ".venv", "venv", "__pycache__", ".build", ".cordon", "site-packages", ".tox",
        ".mypy_cache", ".pytest_cache", ".next", ".hg", ".svn", "bower_components",
    ]

    /// The files the request names: (path on disk, path as reported).
    public static func files(_ req: ScanRequest) throws(ScanError) -> [String] {
        var out: [String] = []
        for p in req.paths {
            var st = stat()
            guard stat(p, &st) == 0 else {
                throw ScanError(
                    "scan: \(p): \(Errno.current)",
                    hint: "pass existing files or directories (cordon scan agents/ --recursive)")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                walk(p, recursive: req.recursive, &out)
            } else {
                out.append(p)
            }
        }
        return out.filter { f in !req.excludes.contains { excluded(f, $0) } }
    }

    static func excluded(_ path: String, _ glob: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let clean = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return fnmatch(glob, clean, 0) == 0 || fnmatch(glob, name, 0) == 0
            || (glob.hasSuffix("/") && clean.hasPrefix(glob))
    }

    static func walk(_ dir: String, recursive: Bool, _ out: inout [String]) {
        guard let d = opendir(dir) else { return }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = FileIO.direntName(e)
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names.sorted() {
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            var st = stat()
            // lstat: a symlinked directory is not followed (no loops, no leaving the tree).
            guard lstat(path, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                if recursive && !skippedDirectories.contains(name) { walk(path, recursive: true, &out) }
            } else if type == S_IFREG {
                out.append(path)
            }
        }
    }

    /// The path as reported: without a leading `./`.
    static func reported(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }

    /// Scans every file the request names. Files of kinds the scanner does not read are left
    /// out, unless named explicitly (then they are listed as skipped, with why).
    /// `progress(done, total)` is called between batches.
    public static func scan(_ req: ScanRequest, progress: ((Int, Int) -> Void)? = nil) throws(ScanError) -> ScanReport {
        let explicit = Set(req.paths)
        let all = try files(req)
        var cache = req.cacheDirectory.map { ScanCache(directory: $0) }
        let known = cache?.entries ?? [:]
        let batch = 512
        var reports: [FileReport] = []
        reports.reserveCapacity(all.count)
        var start = 0
        while start < all.count {
            let slice = Array(all[start..<min(start + batch, all.count)])
            let results = ParallelMap.map(
                count: slice.count, threads: ParallelMap.availableThreads, minimumPerThread: 8
            ) { i -> (FileReport?, String?) in
                scanOne(slice[i], explicit: explicit.contains(slice[i]), cached: known, base: req.base)
            }
            for (r, key) in results {
                guard let r else { continue }
                reports.append(r)
                if let key, r.skipped == nil { cache?.store(key, r.findings) }
            }
            start += batch
            progress?(min(start, all.count), all.count)
        }
        cache?.save()
        return ScanReport(root: ".", files: reports)
    }

    /// One file: its report (nil when it is not a kind the scanner reads) and its cache key.
    static func scanOne(_ path: String, explicit: Bool, cached: [String: [Finding]], base: String?) -> (
        FileReport?, String?
    ) {
        var rel = reported(path)
        if let b = base, rel.hasPrefix(b + "/") { rel = String(rel.dropFirst(b.count + 1)) }
        var st = stat()
        guard stat(path, &st) == 0 else {
            return (FileReport(path: rel, language: .python, bytes: 0, findings: [], skipped: "\(Errno.current)"), nil)
        }
        let size = Int(st.st_size)
        let head: [UInt8]
        let fd = FileIO.open(path, O_RDONLY)
        if fd >= 0 {
            head = FileIO.pread(fd, count: 4096, at: 0) ?? []
            close(fd)
        } else {
            head = []
        }
        guard let kind = FileKind.of(path: path, head: head) else {
            return explicit
                ? (
                    FileReport(
                        path: rel, language: .shell, bytes: size, findings: [], skipped: "not a kind cordon scan reads"),
                    nil
                )
                : (nil, nil)
        }
        if size > FileScanner.maximumBytes {
            return (
                FileReport(
                    path: rel, language: kind, bytes: size, findings: [],
                    skipped: "larger than \(FileScanner.maximumBytes >> 20) MiB (generated or vendored?)"), nil
            )
        }
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try FileIO.readFile(path, limit: FileScanner.maximumBytes)
        } catch {
            return (
                FileReport(path: rel, language: kind, bytes: size, findings: [], skipped: "unreadable: \(error.errno)"),
                nil
            )
        }
        let key = ScanCache.key(bytes, kind)
        if let hit = cached[key] {
            return (
                FileReport(
                    path: rel, language: kind, bytes: bytes.count,
                    findings: hit.map { f in
                        var f = f
                        f.file = rel
                        return f
                    }), key
            )
        }
        return (FileScanner.scan(path: rel, kind: kind, bytes: bytes), key)
    }
}
