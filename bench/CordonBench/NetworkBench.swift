// cordon-bench network [--runs N] [--mb M] [--connections N] [--cordon PATH]: the filtering
// proxy of `network: domains` against `--network host`, side by side in one run.
//   throughput: curl downloads M MB (default 100) from a local server on 127.0.0.2, inside the
//     sandbox, directly (--network host) and through the proxy (curl's own speed_download, so
//     cordon's start-up is not counted); goal: proxy >= 80% of host.
//   latency: a client inside makes N new connections (default 300) to a local one-byte echo
//     server, directly or with a CONNECT through the proxy; the difference per connection is
//     what the proxy adds (goal < 1 ms on loopback).
// The server is python3 (sendall of 1 MiB chunks runs at C speed), started on the host.
import Glibc

enum NetworkBench {
    static let server = """
        import os, socket, sys, threading
        N = int(sys.argv[1]); chunk = b"x" * (1 << 20)
        def big(c):
            c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n" % N)
            left = N
            while left > 0:
                n = min(left, len(chunk)); c.sendall(chunk if n == len(chunk) else chunk[:n]); left -= n
            c.close()
        def ping(c):
            b = c.recv(1); c.sendall(b or b"."); c.close()
        def serve(s, f):
            while True:
                c, _ = s.accept(); threading.Thread(target=f, args=(c,), daemon=True).start()
        a = socket.socket(); a.bind(("127.0.0.2", 0)); a.listen(128)
        b = socket.socket(); b.bind(("127.0.0.2", 0)); b.listen(128)
        print(a.getsockname()[1], b.getsockname()[1], os.getpid(), flush=True)
        threading.Thread(target=serve, args=(b, ping), daemon=True).start()
        serve(a, big)
        """

    static let client = """
        import os, socket, sys, time
        port, n = int(sys.argv[1]), int(sys.argv[2])
        proxied = bool(os.environ.get("HTTPS_PROXY"))
        def once():
            if proxied:
                s = socket.create_connection(("127.0.0.1", 3128))
                s.sendall(b"CONNECT 127.0.0.2:%d HTTP/1.1\\r\\n\\r\\n" % port)
                buf = b""
                while b"\\r\\n\\r\\n" not in buf:
                    buf += s.recv(4096)
            else:
                s = socket.create_connection(("127.0.0.2", port))
            s.sendall(b"x"); s.recv(1); s.close()
        for _ in range(20): once()
        t = time.perf_counter()
        for _ in range(n): once()
        print((time.perf_counter() - t) / n * 1e6)
        """

    static func main(_ args: [String]) -> Int32 {
        guard let (runs, relative) = SandboxBench.options(args, runs: 5) else { return 1 }
        // The runs start in a scratch directory: the binary by absolute path.
        guard let real = realpath(relative, nil) else { return 1 }
        let cordon = String(cString: real)
        free(real)
        var mb = 100
        var connections = 300
        for (i, a) in args.enumerated() where i + 1 < args.count {
            if a == "--mb" { mb = Int(args[i + 1]) ?? mb }
            if a == "--connections" { connections = Int(args[i + 1]) ?? connections }
        }
        var template = Array("/tmp/cordon-bench-net-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { return 1 }
        let dir = String(cString: p)
        defer { _ = system("rm -rf '\(dir)'") }
        write(dir + "/server.py", server)
        write(dir + "/lat.py", client)
        write(
            dir + "/p.yaml",
            "sandbox:\n  network: domains\n  network_domains: {allow: [\"127.0.0.2\"]}\n  timeout: 300\n")
        if geteuid() == 0 { _ = system("chown -R 65534:65534 '\(dir)'") }
        guard let srv = popen("exec python3 '\(dir)/server.py' \(mb << 20)", "r") else { return 1 }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, 64, srv) != nil else { return 1 }
        let ports = String(cString: line).split(separator: " ").compactMap { Int($0.trimmingWhitespace) }
        guard ports.count == 3 else { return 1 }
        defer {
            kill(Int32(ports[2]), SIGKILL)
            pclose(srv)
        }
        let base = "cd '\(dir)' && '\(cordon)' run --log-dir '\(dir)/log' --policy p.yaml"
        let curl = "-- curl -s -o /dev/null -w '%{speed_download} %{size_download}' http://127.0.0.2:\(ports[0])/big"
        var host: [Double] = []
        var proxied: [Double] = []
        var latHost: [Double] = []
        var latProxy: [Double] = []
        for _ in 0..<runs {
            guard let h = capture("\(base) --network host \(curl)"), let d = capture("\(base) \(curl)"),
                let lh = capture("\(base) --network host -- python3 lat.py \(ports[1]) \(connections)"),
                let lp = capture("\(base) -- python3 lat.py \(ports[1]) \(connections)")
            else {
                print("a run failed")
                return 1
            }
            host.append(Double(h.split(separator: " ")[0]) ?? 0)
            proxied.append(Double(d.split(separator: " ")[0]) ?? 0)
            latHost.append(Double(lh.trimmingWhitespace) ?? 0)
            latProxy.append(Double(lp.trimmingWhitespace) ?? 0)
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        print("network: domains proxy vs --network host, \(runs) runs each, interleaved (uid \(geteuid()))")
        print(
            "download \(mb) MB, curl speed_download, median MB/s: host \(fmt(median(host) / 1e6)), proxy \(fmt(median(proxied) / 1e6)) (\(fmt(median(proxied) / median(host) * 100))% of host, goal >= 80%)"
        )
        print(
            "per new connection (\(connections) sequential, python client), median us: host \(fmt(median(latHost))), proxy \(fmt(median(latProxy))), added \(fmt(median(latProxy) - median(latHost))) us (goal < 1000)"
        )
        return 0
    }

    static func fmt(_ x: Double) -> String { String((x * 10).rounded() / 10) }

    static func write(_ path: String, _ text: String) {
        guard let f = fopen(path, "w") else { return }
        fputs(text, f)
        fclose(f)
    }

    /// stdout of a shell command; nil when it failed.
    static func capture(_ cmd: String) -> String? {
        guard let f = popen(cmd + " 2>/dev/null", "r") else { return nil }
        var out = ""
        var buf = [CChar](repeating: 0, count: 4096)
        while fgets(&buf, 4096, f) != nil { out += String(cString: buf) }
        return pclose(f) == 0 ? out : nil
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" { s.removeLast() }
        return String(s)
    }
}
