// cordon-bench startup [--runs N] [--cordon PATH] [--settle MS]: medians of bare `/bin/true`,
// `cordon run -- /bin/true` (default policy, full isolation; also with a warm server, and
// without the early sandbox) and bubblewrap with comparable isolation, all measured in the same
// run, interleaved (the order rotates every round) so drift hits each equally. Each run starts
// MS milliseconds (default 50) after the previous one ended: a served run's server prepares the
// next sandbox after the run (docs/serve.md), and that work must not land in the next case's
// time (bubblewrap's, say) nor the other way round.
//
// Beside the wall times, the CPU each case costs (user + system, from wait4: the process and
// every descendant it reaped, so a direct cordon's sandbox is in it): on a machine shared with
// other work, where wall times drift with the load, CPU per run moves far less. A served run's
// own process is only the caller; the server's CPU (runners and their prepared sandboxes, read
// when it stops) is divided over the served runs it made and shown beside it.
import Glibc

enum SandboxBench {
    static func main(_ args: [String]) -> Int32 {
        guard let (runs, cordon) = options(args, runs: 300) else { return 1 }
        let settle = args.firstIndex(of: "--settle").flatMap { $0 + 1 < args.count ? UInt32(args[$0 + 1]) : nil } ?? 50
        let bwrap = ["/usr/bin/bwrap", "/bin/bwrap"].first { (p: String) in access(p, X_OK) == 0 }
        // Evidence of the direct runs and of the warm ones in separate directories: only the
        // second has a `cordon serve` (and its warm.sock), started here and stopped at the end.
        guard let direct = tempDirectory(), let warmDir = tempDirectory() else { return 1 }
        defer { for d in [direct, warmDir] { _ = system("rm -rf '\(d)'") } }
        guard let server = startServer(cordon, logDirectory: warmDir) else {
            print("cordon serve did not start")
            return 1
        }
        var serverStopped = false
        defer {
            if !serverStopped {
                kill(server, SIGTERM)
                var st: Int32 = 0
                waitpid(server, &st, 0)
            }
        }
        let directRun = [cordon, "run", "--log-dir", direct, "--", "/bin/true"]
        var cases: [(String, [String], [String])] = [
            ("bare /bin/true", ["/bin/true"], []),
            ("cordon run -- /bin/true", directRun, []),
            ("cordon run, cordon serve running", [cordon, "run", "--log-dir", warmDir, "--", "/bin/true"], []),
            // The order before the early sandbox (serve.md): the sandbox cloned after the gate.
            ("cordon run, no early sandbox", directRun, ["CORDON_EARLY_SANDBOX=0"]),
        ]
        if let b = bwrap {
            cases.append(
                (
                    "bwrap (comparable isolation)",
                    [
                        b, "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
                        "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64",
                        "/lib64",
                        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "/bin/true",
                    ], []
                ))
        }
        // Warm up: page cache, dynamic loader caches.
        for c in cases { for _ in 0..<10 { _ = time(c.1, env: c.2) } }
        var samples = [[Double]](repeating: [], count: cases.count)
        var cpu = [[Double]](repeating: [], count: cases.count)
        for round in 0..<runs {
            for step in 0..<cases.count {
                let k = (round + step) % cases.count
                let c = cases[k]
                guard let (t, used) = timed(c.1, env: c.2) else {
                    print("\(c.0) failed")
                    return 1
                }
                samples[k].append(t)
                cpu[k].append(used)
                usleep(settle * 1000)
            }
        }
        var load = [Double](repeating: 0, count: 3)
        getloadavg(&load, 3)
        // The server's CPU: every runner it started (the 2 waiting at the start, one per served
        // run including the warm-up's 10) and their sandboxes.
        kill(server, SIGTERM)
        var st: Int32 = 0
        var ru = rusage()
        wait4(server, &st, 0, &ru)
        serverStopped = true
        let serverCPU = seconds(ru.ru_utime) + seconds(ru.ru_stime)
        let servedRuns = Double(runs + 10)
        print(
            "startup, \(runs) runs each, interleaved, \(settle) ms apart (uid \(geteuid()), load \(fmt(load[0])) \(fmt(load[1])))"
        )
        print(
            "case".padded(34) + "median ms".padded(11) + "p90 ms".padded(9) + "min ms".padded(9) + "CPU/run ms")
        var medians: [Double] = []
        for (k, c) in cases.enumerated() {
            let s = samples[k].sorted()
            let med = s[s.count / 2]
            let p90 = s[s.count * 9 / 10]
            let mn = s[0]
            medians.append(med)
            let own = cpu[k].sorted()[cpu[k].count / 2]
            var used = fmt(own * 1000)
            if k == 2 { used += " + server \(fmt(serverCPU / servedRuns * 1000)) (runners, prepared sandboxes)" }
            print(
                c.0.padded(34) + fmt(med * 1000).padded(11) + fmt(p90 * 1000).padded(9) + fmt(mn * 1000).padded(9)
                    + used)
        }
        if medians.count == 5 {
            print("cordon / bwrap median ratio: \(fmt(medians[1] / medians[4])) (budget <= 1.20)")
            print("cordon with serve / bwrap median ratio: \(fmt(medians[2] / medians[4])) (budget <= 0.80)")
            print("cordon without the early sandbox / bwrap median ratio: \(fmt(medians[3] / medians[4]))")
        } else {
            print("bubblewrap not installed: no ratio (apt-get install bubblewrap)")
        }
        return 0
    }

    static func tempDirectory() -> String? {
        var t = Array("/tmp/cordon-bench-XXXXXX".utf8CString)
        guard let p = mkdtemp(&t) else { return nil }
        return String(cString: p)
    }

    /// `cordon serve --warm 2` for the log directory, once its warm socket is there.
    static func startServer(_ cordon: String, logDirectory: String) -> pid_t? {
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)
        let argv = [cordon, "serve", "--log-dir", logDirectory, "--warm", "2"]
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, cordon, &fa, nil, &cargs, environ) == 0 else { return nil }
        for _ in 0..<100 {
            if access(logDirectory + "/warm.sock", F_OK) == 0 {
                usleep(300_000)  // the first runners prepare their sandboxes
                return pid
            }
            usleep(20_000)
        }
        kill(pid, SIGTERM)
        return nil
    }

    /// `--runs N` and `--cordon PATH` (default: the static release build), shared by the
    /// runners that time whole `cordon run` invocations. nil (after saying why) if the binary
    /// is missing.
    static func options(_ args: [String], runs defaultRuns: Int) -> (Int, String)? {
        var runs = defaultRuns
        var cordon = ".build-static/release/cordon"
        var i = 0
        while i < args.count {
            if args[i] == "--runs", i + 1 < args.count {
                runs = Int(args[i + 1]) ?? runs
                i += 1
            } else if args[i] == "--cordon", i + 1 < args.count {
                cordon = args[i + 1]
                i += 1
            }
            i += 1
        }
        guard access(cordon, X_OK) == 0 else {
            print(
                "cordon binary not found at \(cordon): build it with swift build -c release --scratch-path .build-static -Xswiftc -static-executable --product cordon"
            )
            return nil
        }
        return (runs, cordon)
    }

    static func fmt(_ x: Double) -> String {
        let v = (x * 1000).rounded() / 1000
        return String(v)
    }

    static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }

    /// One posix_spawn + wait, stdout/stderr to /dev/null; nil if the command failed.
    static func time(_ argv: [String], env extra: [String] = []) -> Double? { timed(argv, env: extra)?.0 }

    /// The wall time and the CPU (user + system, of the process and the descendants it reaped).
    static func timed(_ argv: [String], env extra: [String] = []) -> (Double, Double)? {
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        // No terminal on stdin: `cordon run` uses a warm runner only without one.
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var t0 = timespec()
        var t1 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)
        var pid: pid_t = 0
        var envp: [UnsafeMutablePointer<CChar>?] = []
        var e = environ
        while let p = e.pointee {
            envp.append(strdup(p))
            e += 1
        }
        envp += extra.map { strdup($0) } + [nil]
        defer { for p in envp { free(p) } }
        guard posix_spawn(&pid, argv[0], &fa, nil, &cargs, &envp) == 0 else { return nil }
        var st: Int32 = 0
        var ru = rusage()
        while wait4(pid, &st, 0, &ru) < 0 && errno == EINTR {}
        clock_gettime(CLOCK_MONOTONIC, &t1)
        guard st == 0 else { return nil }
        return (
            Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9,
            seconds(ru.ru_utime) + seconds(ru.ru_stime)
        )
    }
}

extension String {
    func padded(_ n: Int) -> String { count >= n ? self + " " : self + String(repeating: " ", count: n - count) }
}
