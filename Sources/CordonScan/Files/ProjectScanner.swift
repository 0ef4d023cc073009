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
    ///
    /// Two passes: each file alone (what it finds, what it registers as tools, what it
    /// defines), then again, for the few files that define a function or class another file
    /// registers, with those names (ToolRegistrations).
    public static func scan(_ req: ScanRequest, progress: ((Int, Int) -> Void)? = nil) throws(ScanError) -> ScanReport {
        let explicit = Set(req.paths)
        let all = try files(req)
        var cache = req.cacheDirectory.map { ScanCache(directory: $0) }
        let known = cache?.entries ?? [:]
        let batch = 512
        var scanned: [(disk: String, report: FileReport, key: String?)] = []
        scanned.reserveCapacity(all.count)
        var registered: Set<String> = []
        var start = 0
        while start < all.count {
            let slice = Array(all[start..<min(start + batch, all.count)])
            let results = ParallelMap.map(
                count: slice.count, threads: ParallelMap.availableThreads, minimumPerThread: 8
            ) { i -> (FileReport?, String?, ToolFacts) in
                scanOne(slice[i], explicit: explicit.contains(slice[i]), cached: known, base: req.base)
            }
            for (i, (r, key, facts)) in results.enumerated() {
                registered.formUnion(facts.registers)
                guard let r else { continue }
                scanned.append((slice[i], r, key))
                if let key, r.skipped == nil { cache?.store(key, r.findings, r.tools) }
            }
            start += batch
            progress?(min(start, all.count), all.count)
        }
        let index = ProjectTools.Index(registered)
        if !index.isEmpty { rescanRegistered(&scanned, index, &cache, known) }
        cache?.save()
        return ScanReport(root: ".", files: scanned.map(\.report))
    }

    /// The second pass: files defining what other files register, analysed again with those
    /// names (from the cache when the same content met the same names before). A file analysed
    /// again may register more (its function, now given the model's arguments, hands them on to
    /// another: `run_tool(arguments)` to `self.editor.read_multiple_ranges(...)` to
    /// `self._read_file(path)`), so the pass repeats while registrations grow, at most
    /// `rounds` times (issue 16, session 13).
    static let rounds = 3

    static func rescanRegistered(
        _ scanned: inout [(disk: String, report: FileReport, key: String?)], _ registered: ProjectTools.Index,
        _ cache: inout ScanCache?, _ known: [String: ScanCache.Entry]
    ) {
        var index = registered
        var used: [Int: String] = [:]
        for _ in 0..<rounds {
            let grown = rescanRound(&scanned, index, &used, &cache, known)
            guard !grown.isEmpty else { return }
            let next = ProjectTools.Index(index.all.union(grown))
            guard next.all.count > index.all.count else { return }
            index = next
        }
    }

    /// One round: the files whose context changed since they were last analysed, analysed with
    /// it. Returns what they register now.
    static func rescanRound(
        _ scanned: inout [(disk: String, report: FileReport, key: String?)], _ registered: ProjectTools.Index,
        _ used: inout [Int: String], _ cache: inout ScanCache?, _ known: [String: ScanCache.Entry]
    ) -> Set<String> {
        var todo: [(index: Int, project: ProjectTools, key: String)] = []
        for (i, s) in scanned.enumerated() where s.report.skipped == nil {
            guard let key = s.key, s.report.language == .python || s.report.language == .javascript else { continue }
            let project = ProjectTools.context(path: s.report.path, facts: s.report.tools, registered: registered)
            guard !project.isEmpty else { continue }
            let k = ScanCache.key(key, project)
            if used[i] == k { continue }
            used[i] = k
            todo.append((i, project, k))
        }
        guard !todo.isEmpty else { return [] }
        let snapshot = scanned
        let work = todo
        let results = ParallelMap.map(count: todo.count, threads: ParallelMap.availableThreads, minimumPerThread: 4) {
            j -> FileReport? in
            let (i, project, key) = work[j]
            let old = snapshot[i].report
            if let hit = known[key] { return cachedReport(old.path, old.language, old.bytes, hit.findings, hit.tools) }
            guard let bytes = try? FileIO.readFile(snapshot[i].disk, limit: FileScanner.maximumBytes) else {
                return nil
            }
            var r = FileScanner.scan(path: old.path, kind: old.language, bytes: bytes, project: project)
            // What it registers now joins what it registered alone; what it defines stays the
            // first reading's, so the names it was given keep reaching it.
            r.tools = ToolFacts(registers: old.tools.registers.union(r.tools.registers), defines: old.tools.defines)
            return r
        }
        var grown: Set<String> = []
        for (j, r) in results.enumerated() {
            guard let r else { continue }
            let i = todo[j].index
            // Carried to the next round: the model's arguments handed to a function named with
            // its module (`arg:tools.execute_bash:1`, `arg:text_editor.read_lines:0`) and shell
            // runners. A bare name (`arg:write:0` from `os.write(fd, data)`) is matched in every
            // file that defines one: from a second reading it would spread through unrelated
            // modules (the standard library's `write`, `warn`), so only the first reading's count.
            let added = r.tools.registers.subtracting(scanned[i].report.tools.registers)
            grown.formUnion(added.filter { Self.carried($0) })
            scanned[i].report = r
            cache?.store(todo[j].key, r.findings, r.tools)
        }
        return grown
    }

    static func carried(_ registration: String) -> Bool {
        if registration.hasPrefix("shell:") || registration.hasPrefix("code:") { return true }
        guard registration.hasPrefix("arg:") else { return false }
        let parts = registration.split(separator: ":", maxSplits: 2)
        return parts.count == 3 && parts[1].contains(".")
    }

    static func cachedReport(_ path: String, _ kind: FileKind, _ bytes: Int, _ hit: [Finding], _ tools: ToolFacts)
        -> FileReport
    {
        var r = FileReport(
            path: path, language: kind, bytes: bytes,
            findings: hit.map { f in
                var f = f
                f.file = path
                return f
            })
        r.tools = tools
        return r
    }

    /// One file: its report (nil when it is not a kind the scanner reads), its cache key, and
    /// what it registers as tools (a JSON file of function-calling schemas has only that).
    static func scanOne(_ path: String, explicit: Bool, cached: [String: ScanCache.Entry], base: String?) -> (
        FileReport?, String?, ToolFacts
    ) {
        var rel = reported(path)
        if let b = base, rel.hasPrefix(b + "/") { rel = String(rel.dropFirst(b.count + 1)) }
        var st = stat()
        guard stat(path, &st) == 0 else {
            return (
                FileReport(path: rel, language: .python, bytes: 0, findings: [], skipped: "\(Errno.current)"), nil,
                ToolFacts()
            )
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
            if path.hasSuffix(".json") && size <= maximumSchemaBytes,
                let bytes = try? FileIO.readFile(path, limit: maximumSchemaBytes)
            {
                return (nil, nil, ToolFacts(registers: ToolNames.jsonSchemaNames(bytes)))
            }
            return explicit
                ? (
                    FileReport(
                        path: rel, language: .shell, bytes: size, findings: [], skipped: "not a kind cordon scan reads"),
                    nil, ToolFacts()
                )
                : (nil, nil, ToolFacts())
        }
        if size > FileScanner.maximumBytes {
            return (
                FileReport(
                    path: rel, language: kind, bytes: size, findings: [],
                    skipped: "larger than \(FileScanner.maximumBytes >> 20) MiB (generated or vendored?)"), nil,
                ToolFacts()
            )
        }
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try FileIO.readFile(path, limit: FileScanner.maximumBytes)
        } catch {
            return (
                FileReport(path: rel, language: kind, bytes: size, findings: [], skipped: "unreadable: \(error.errno)"),
                nil, ToolFacts()
            )
        }
        let key = ScanCache.key(bytes, kind)
        if let hit = cached[key] {
            return (cachedReport(rel, kind, bytes.count, hit.findings, hit.tools), key, hit.tools)
        }
        let r = FileScanner.scan(path: rel, kind: kind, bytes: bytes)
        return (r, key, r.tools)
    }

    /// The tool names a JSON file's function-calling schemas give (`tools.json`).
    public static func schemaNames(_ bytes: [UInt8]) -> Set<String> { ToolNames.jsonSchemaNames(bytes) }

    /// JSON files read for function-calling schemas only: larger ones are data, not schemas.
    static let maximumSchemaBytes = 1 << 20
}
