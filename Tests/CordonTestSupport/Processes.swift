// The one way tests run a program (the built `cordon`, a helper, a validator): posix_spawn with
// output captured through files (no pipe to drain, so no deadlock on large output), an optional
// stdin, working directory and extra environment, and a wall-clock limit after which the
// program is killed. Wait statuses are decoded by CordonBase's WaitStatus, as cordon does.
import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

public struct ProcessResult: Sendable {
    /// The exit code; 128+N for a death by signal N; -9 when the time limit killed it.
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var seconds: Double
}

public enum TestProcess {
    /// The build directory holding the test bundle, `cordon` and `cordon-try` (.build/debug),
    /// or `CORDON_BIN_DIR`.
    public static let binaryDirectory: String = {
        if let d = getenv("CORDON_BIN_DIR") { return String(cString: d) }
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return ".build/debug" }
        let exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        // The bundle is .build/debug/cordonPackageTests.xctest (a file) on Linux; walk up until
        // a directory holds `cordon`.
        while !dir.isEmpty {
            let candidate = dir.joined(separator: "/")
            if access(candidate + "/cordon", X_OK) == 0 { return candidate }
            dir = dir.dropLast()
        }
        return ".build/debug"
    }()

    public static var cordon: String { binaryDirectory + "/cordon" }

    /// Runs `argv` (argv[0] an absolute path or a name on PATH) to completion or `limit` seconds.
    public static func run(
        _ argv: [String], cwd: String? = nil, env: [String: String] = [:], stdin: String? = nil, limit: Double = 60
    ) -> ProcessResult {
        var template = Array("/tmp/cordon-test-proc-XXXXXX".utf8CString)
        guard let dirPointer = mkdtemp(&template) else {
            return ProcessResult(status: -1, stdout: "", stderr: "mkdtemp: \(Errno.current)", seconds: 0)
        }
        let dir = String(cString: dirPointer)
        defer {
            for f in ["in", "out", "err"] { unlink(dir + "/" + f) }
            rmdir(dir)
        }
        let inPath = dir + "/in"
        let fd = open(inPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd >= 0 {
            _ = Array((stdin ?? "").utf8).withUnsafeBytes { FileIO.writeAll(fd, $0) }
            close(fd)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, dir + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, dir + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // A clean signal state for the child: test threads block signals.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        SpawnAttributes.resetSignals(&attr)
        var environment: [String] = []
        var e = environ
        while let entry = e.pointee {
            let s = String(cString: entry)
            let key = s.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if env[key] == nil { environment.append(s) }
            e += 1
        }
        for (k, v) in env { environment.append("\(k)=\(v)") }
        // A working directory through `sh -c 'cd DIR && exec ...'`: chdir in this process would
        // move every test thread, and glibc's addchdir action is not in Swift's Glibc module.
        let argv = cwd.map { ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", $0] + argv } ?? argv
        var cargv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cenv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for a in cargv { free(a) }
            for a in cenv { free(a) }
        }
        let start = now()
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, &cargv, &cenv)
        guard rc == 0 else {
            return ProcessResult(status: -1, stdout: "", stderr: "posix_spawn \(argv[0]): \(Errno(rc))", seconds: 0)
        }
        var st: Int32 = 0
        var killed = false
        while true {
            let r = waitpid(pid, &st, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if !killed && now() - start > limit {
                kill(pid, SIGKILL)
                killed = true
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
            nanosleep(&pause, nil)
        }
        let status: Int32
        switch WaitStatus(raw: st) {
        case .exited(let c): status = c
        case .signaled(let s): status = killed ? -9 : 128 + s
        }
        func text(_ f: String) -> String {
            (try? FileIO.readFile(dir + "/" + f)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return ProcessResult(status: status, stdout: text("out"), stderr: text("err"), seconds: now() - start)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
