// `sandbox.network: domains` end to end with the built binary: real sandboxes, cordon's proxy,
// PyPI (which this machine reaches), and local servers the tests start for git over HTTPS and
// an SSH-like service. Loopback destinations are listed explicitly in the test policies: the
// proxy refuses loopback, private and link-local addresses otherwise.
import CordonBase
import CordonTestSupport
import Foundation
import Testing

/// A helper process (a local server) that prints its port on its first line of output.
final class LocalServer {
    let process = Process()
    let port: Int

    init(_ script: String, _ args: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while true {
            let b = out.fileHandleForReading.readData(ofLength: 1)
            if b.isEmpty || b.first == 0x0A { break }
            line += b
        }
        port = Int(String(decoding: line, as: UTF8.self)) ?? 0
        try #require(port > 0, "the local server did not start")
    }

    deinit {
        // SIGKILL: the test runner's threads block signals, and Process passes that mask on, so
        // the server would never see a SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A static file server (HTTPS with `cert` and `key`) over `dir` on `host`.
    static let fileServer = """
        import functools, http.server, ssl, sys
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *a): pass
        srv = http.server.ThreadingHTTPServer((sys.argv[2], 0), functools.partial(Quiet, directory=sys.argv[1]))
        if len(sys.argv) > 3:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[3], sys.argv[4])
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        print(srv.server_address[1], flush=True)
        srv.serve_forever()
        """

    /// Greets like an SSH server, writes the client's first line to argv[1], then answers with
    /// garbage.
    static let sshLike = """
        import socket, sys
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
        print(s.getsockname()[1], flush=True)
        while True:
            c, _ = s.accept()
            c.sendall(b"SSH-2.0-cordon-test\\r\\n")
            line = c.makefile("rb").readline()
            open(sys.argv[1], "ab").write(line)
            # Not an SSH packet: the client gives up at once (a bare close would leave ssh
            # waiting, since nc does not pass the server's half-close on to it).
            c.sendall(b"\\x00\\x00\\xff\\xffnot-an-ssh-packet" * 4)
            c.close()
        """
}

@Suite(
    "network: domains end to end", .serialized, .timeLimit(.minutes(10)),
    .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
struct NetworkDomainsTests {
    static let pypi = """
        sandbox:
          network: domains
          network_domains:
            allow: [pypi.org, files.pythonhosted.org]
          timeout: 120
        """

    func gateLog(_ ws: Workspace) throws -> [String] {
        try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8).split(separator: "\n").map(
            String.init)
    }

    func lastTrace(_ ws: Workspace) throws -> String {
        let dir = ws.path + "/.cordon/traces"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        return dir + "/" + (try #require(names.last))
    }

    @Test("pip download six works through the proxy; curl to an unlisted host fails with cordon's refusal; both logged")
    func pipAndCurl() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", Self.pypi)
        let pip = try ws.run(
            ["pip", "download", "--no-cache-dir", "--no-deps", "-d", "dl", "six"], options: ["--policy", "p.yaml"],
            limit: 150)
        #expect(pip.status == 0, "\(pip.stderr)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: ws.path + "/dl")) ?? []
        #expect(files.contains { $0.hasPrefix("six-") }, "\(files)")
        let log = try gateLog(ws)
        #expect(
            log.contains {
                $0.contains("source=network") && $0.contains("decision=allow") && $0.contains("host=pypi.org")
            })
        // Validates every event (connect with host names, run_end with per-host counts).
        let trace = try lastTrace(ws)
        let check = TestProcess.run(["/usr/bin/env"] + TraceSchema.validatorArguments(trace: trace))
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(text.contains("\"via\":\"proxy\"") && text.contains("\"host\":\"pypi.org\""))
        #expect(text.contains("\"hosts\":{") && text.contains("\"pypi.org\":{\"connections\":"))

        let curl = try ws.run(["curl", "-sS", "https://example.com"], options: ["--policy", "p.yaml"])
        #expect(curl.status == 56, "\(curl.stderr)")
        #expect(
            curl.stderr.contains(
                "cordon: network: refused CONNECT example.com:443: example.com is not in sandbox.network_domains"))
        #expect(curl.stderr.contains("403"))
        let after = try gateLog(ws)
        #expect(
            after.contains {
                $0.contains("source=network") && $0.contains("decision=block") && $0.contains("rule=unlisted")
                    && $0.contains("host=example.com") && $0.contains("port=443")
            })
        #expect(try Shell.cordon(["log", "verify"], cwd: ws.path).status == 0)
    }

    @Test("inside: the proxy variables are set, a raw connect out has no route, UDP sendto is refused and recorded")
    func rawAndUDP() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", Self.pypi)
        try ws.write(
            "probe.py",
            """
            import os, socket
            print("HTTPS_PROXY=" + os.environ.get("HTTPS_PROXY", ""))
            print("ALL_PROXY=" + os.environ.get("ALL_PROXY", ""))
            print("NO_PROXY=" + os.environ.get("NO_PROXY", ""))
            print("GIT_SSH_COMMAND=" + os.environ.get("GIT_SSH_COMMAND", ""))
            taken = socket.socket()
            try:
                taken.bind(("127.0.0.1", 3128)); print("bind 3128 ok")
            except OSError as e:
                print("bind 3128", e.errno)
            for what, f in [("tcp", lambda: socket.create_connection(("93.184.216.34", 80), timeout=3)),
                            ("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53)))]:
                try:
                    f(); print(what, "ok")
                except OSError as e:
                    print(what, e.errno)
            """)
        let r = try ws.run(["python3", "probe.py"], options: ["--policy", "p.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("HTTPS_PROXY=http://127.0.0.1:3128"))
        #expect(r.stdout.contains("ALL_PROXY=socks5h://127.0.0.1:1080"))
        #expect(r.stdout.contains("NO_PROXY=localhost,127.0.0.1,::1"))
        #expect(r.stdout.contains("tcp \(ENETUNREACH)"), "\(r.stdout)")
        #expect(r.stdout.contains("udp \(ENETUNREACH)"), "\(r.stdout)")
        // The proxy's port inside is cordon's listening socket: the command cannot take it over.
        #expect(r.stdout.contains("bind 3128 \(EADDRINUSE)"), "\(r.stdout)")
        let text = try String(contentsOfFile: try lastTrace(ws), encoding: .utf8)
        #expect(text.contains("\"syscall\":\"sendto\",\"address\":\"8.8.8.8\",\"port\":53,\"decision\":\"block\""))
        #expect(text.contains("\"address\":\"93.184.216.34\",\"port\":80,\"decision\":\"block\""))
        #expect(r.stderr.contains("only cordon's proxy leads out of this sandbox"))
    }

    @Test("a request for the metadata address through the proxy is refused")
    func metadata() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", Self.pypi)
        // urllib through the proxy variables: the gate sees `python3 fetch.py`, the proxy the URL.
        try ws.write(
            "fetch.py",
            """
            import urllib.request, urllib.error
            try:
                urllib.request.urlopen("http://169.254.169.254/latest/meta-data/", timeout=10)
                print("reached")
            except urllib.error.HTTPError as e:
                print("status", e.code, e.read().decode())
            """)
        let r = try ws.run(["python3", "fetch.py"], options: ["--policy", "p.yaml"])
        #expect(r.stdout.contains("status 403 cordon: refused 169.254.169.254:80"), "\(r.stdout)\(r.stderr)")
        #expect(
            try gateLog(ws).contains { $0.contains("cmd=\"HTTP 169.254.169.254:80\"") && $0.contains("decision=block") }
        )
    }

    @Test("git clone over HTTPS of an allowed (explicitly listed loopback) host works through CONNECT")
    func gitHTTPS() throws {
        let ws = try Workspace()
        let srv = ws.path + "/../" + (ws.path.split(separator: "/").last.map(String.init) ?? "") + "-srv"
        defer { try? FileManager.default.removeItem(atPath: srv) }
        let setup = """
            set -e
            mkdir -p \(srv) && cd \(srv)
            git init -q src && cd src && echo hello > README && git add README
            git -c user.email=t@t -c user.name=t commit -q -m first && cd ..
            git clone -q --bare src r.git && git -C r.git update-server-info
            openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=127.0.0.2 -addext subjectAltName=IP:127.0.0.2 2>/dev/null
            cp cert.pem \(ws.path)/cert.pem
            """
        let s = try Shell.run("/bin/sh", ["-c", setup])
        try #require(s.status == 0, "\(s.stderr)")
        if geteuid() == 0 { _ = try Shell.run("/bin/chown", ["65534:65534", ws.path + "/cert.pem"]) }
        let server = try LocalServer(LocalServer.fileServer, [srv, "127.0.0.2", srv + "/cert.pem", srv + "/key.pem"])
        try ws.write(
            "p.yaml",
            """
            sandbox:
              network: domains
              network_domains: {allow: ["127.0.0.2"]}
              env: {set: {GIT_SSL_CAINFO: "\(ws.path)/cert.pem"}}
            """)
        let r = try ws.run(
            ["git", "clone", "-q", "https://127.0.0.2:\(server.port)/r.git", "out"], options: ["--policy", "p.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((try? String(contentsOfFile: ws.path + "/out/README", encoding: .utf8)) == "hello\n")
        #expect(
            try gateLog(ws).contains {
                $0.contains("cmd=\"CONNECT 127.0.0.2:\(server.port)\"") && $0.contains("decision=allow")
            })
        // Not listed: the same server is refused (loopback needs an exact entry).
        try ws.write("q.yaml", "sandbox:\n  network: domains\n  network_domains: {allow: [pypi.org]}\n")
        let refused = try ws.run(
            ["git", "clone", "-q", "https://127.0.0.2:\(server.port)/r.git", "out2"], options: ["--policy", "q.yaml"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("403"), "\(refused.stderr)")
    }

    @Test("git over SSH goes through the SOCKS port (GIT_SSH_COMMAND with nc -X 5) to an SSH-like service")
    func gitSSH() throws {
        let ws = try Workspace()
        let seen = ws.path + "/../" + (ws.path.split(separator: "/").last.map(String.init) ?? "") + "-ssh.txt"
        defer { unlink(seen) }
        let server = try LocalServer(LocalServer.sshLike, [seen])
        try ws.write("p.yaml", "sandbox:\n  network: domains\n  network_domains: {allow: [\"127.0.0.1\"]}\n")
        let r = try ws.run(
            ["git", "ls-remote", "ssh://git@127.0.0.1:\(server.port)/r.git"], options: ["--policy", "p.yaml"])
        // The fake server hangs up after the banners: git fails, but the SSH client reached it.
        #expect(r.status != 0)
        let got = (try? String(contentsOfFile: seen, encoding: .utf8)) ?? ""
        #expect(got.hasPrefix("SSH-2.0-OpenSSH"), "the service got: \(got); stderr: \(r.stderr)")
        #expect(
            try gateLog(ws).contains {
                $0.contains("cmd=\"SOCKS5 127.0.0.1:\(server.port)\"") && $0.contains("decision=allow")
            })
    }
}

@Suite(
    "network: domains, ask", .serialized, .timeLimit(.minutes(10)),
    .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
struct NetworkAskTests {
    func start(_ b: ApprovalBench) throws -> Background<Result> {
        try b.ws.write(
            "p.yaml",
            "sandbox:\n  network: domains\n  network_domains: {ask: [pypi.org], allow: [files.pythonhosted.org]}\n")
        let path = b.path
        return Background {
            (try? Shell.cordon(
                [
                    "run", "--workspace", path, "--approval", "queue", "--policy", "p.yaml", "--", "curl", "-sS", "-o",
                    "/dev/null", "-w", "%{http_code}", "https://pypi.org/simple/six/",
                ], cwd: path, limit: 90)) ?? TestProcess.run(["/bin/false"])
        }
    }

    @Test("an ask host waits for approval, then the request goes through")
    func approved() throws {
        let b = try ApprovalBench(repo: false)
        let run = try start(b)
        let id = try #require(try b.waitPending().first)
        let shown = try b.cordon(["approvals", "show", id, "--json"])
        #expect(shown.stdout.contains("network:pypi.org"), "\(shown.stdout)")
        #expect(try b.cordon(["approvals", "approve", id, "--key", b.key]).status == 0)
        let r = run.wait()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "200")
        let log = try String(contentsOfFile: b.path + "/.cordon/gate.log", encoding: .utf8)
        #expect(log.contains("source=network") && log.contains("rule=ask:pypi.org") && log.contains("decision=allow"))
    }

    @Test("a rejected ask host is refused with 403")
    func rejected() throws {
        let b = try ApprovalBench(repo: false)
        let run = try start(b)
        let id = try #require(try b.waitPending().first)
        #expect(try b.cordon(["approvals", "reject", id, "--key", b.key]).status == 0)
        let r = run.wait()
        #expect(r.status == 56, "\(r.stderr)")
        #expect(r.stderr.contains("cordon: network: refused CONNECT pypi.org:443"))
    }
}

/// Connections by name (docs/network.md): the sandbox's DNS answered by cordon, a TCP connect
/// to the address it gave decided on the name and made by cordon, the connected socket handed
/// to the process. Local servers on the host's 127.0.0.1, reached through the exact entry
/// `localhost` (the host resolves it through its /etc/hosts; the sandbox's python asks cordon's
/// DNS itself, since its own resolver would read the same /etc/hosts and stay inside).
@Suite(
    "network: domains, connections by name", .serialized, .timeLimit(.minutes(10)),
    .enabled(if: SandboxSupport.available, SandboxSupport.skipReason))
struct NetworkByNameTests {
    static let echo = """
        import socket, threading
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
        print(s.getsockname()[1], flush=True)
        def serve(c):
            d = c.recv(100); c.sendall(b"echo:" + d); c.close()
        while True:
            c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
        """

    /// Asks the sandbox's DNS (whatever /etc/resolv.conf names, through glibc) and cordon's socket
    /// directly for names, then connects by name, blocking and non-blocking, and tries the ways
    /// around it: an address never given out, UDP to a given one.
    static let probe = """
        import errno, select, socket, struct, sys
        port = int(sys.argv[1])
        def ask(name, server="127.0.0.1"):
            q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
            q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\\0" + struct.pack(">HH", 1, 1)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5); u.sendto(q, (server, 53))
            a, _ = u.recvfrom(512)
            return (a[3] & 15, socket.inet_ntoa(a[-4:]) if a[7] == 1 else None)
        for n in ["pypi.org", "example.com"]:
            try: print("getaddrinfo", n, socket.getaddrinfo(n, 443, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])
            except socket.gaierror as e: print("getaddrinfo", n, "fails", e.errno)
        code, addr = ask("localhost")
        print("dns localhost", code, addr)
        c = socket.create_connection((addr, port), timeout=10); c.sendall(b"one"); print("blocking", c.recv(100).decode())
        print("peer", c.getpeername()[0])
        c.close()
        n = socket.socket(); n.setblocking(False)
        r = n.connect_ex((addr, port))
        if r == errno.EINPROGRESS: select.select([], [n], [], 10); r = n.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        n.setblocking(True); n.sendall(b"two"); print("nonblocking", r, n.recv(100).decode())
        try: socket.create_connection(("198.18.0.250", port), timeout=5); print("unknown ok")
        except OSError as e: print("unknown", e.errno)
        try: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", (addr, port)); print("udp ok")
        except OSError as e: print("udp", e.errno)
        """

    func gateLog(_ ws: Workspace) throws -> String {
        try String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)
    }

    /// Python that asks cordon's DNS (127.0.0.1:53, a raw question) for `localhost` and leaves
    /// the address it gave in `addr` (the sandbox's own resolver would read /etc/hosts first).
    static let localhostAddress = """
        import socket, struct
        q = struct.pack(">HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\\x09localhost\\x00" + struct.pack(">HH", 1, 1)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5); u.sendto(q, ("127.0.0.1", 53))
        addr = socket.inet_ntoa(u.recvfrom(512)[0][-4:])

        """

    @Test(
        "a command that ignores the proxy variables reaches an exactly listed host by name; refused names fail to resolve; other addresses and UDP stay refused"
    )
    func byName() throws {
        let ws = try Workspace()
        let server = try LocalServer(Self.echo, [])
        try ws.write("probe.py", Self.probe)
        try ws.write("p.yaml", "sandbox:\n  network: domains\n  network_domains: {allow: [pypi.org, localhost]}\n")
        let r = try ws.run(["python3", "probe.py", String(server.port)], options: ["--policy", "p.yaml"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let out = r.stdout
        #expect(out.contains("getaddrinfo pypi.org 198.1"), "\(out)")
        #expect(out.contains("getaddrinfo example.com fails"), "\(out)")
        #expect(out.contains("dns localhost 0 198.1"), "\(out)")
        #expect(out.contains("blocking echo:one"), "\(out)")
        // The socket the process holds is cordon's, connected from the host's namespace.
        #expect(out.contains("peer 127.0.0.1"), "\(out)")
        #expect(out.contains("nonblocking 0 echo:two"), "\(out)")
        #expect(out.contains("unknown \(ENETUNREACH)"), "\(out)")
        #expect(out.contains("udp \(ENETUNREACH)"), "\(out)")
        let log = try gateLog(ws)
        #expect(log.contains("cmd=\"TCP localhost:\(server.port)\"") && log.contains("via=direct; address=127.0.0.1"))
        #expect(log.contains("decision=block") && log.contains("cmd=\"DNS example.com:53\""), "\(log)")
        #expect(
            r.stderr.contains(
                "cordon: network: refused DNS example.com:53: example.com is not in sandbox.network_domains"))
        let dir = ws.path + "/.cordon/traces"
        let trace = dir + "/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: dir).sorted().last))
        let check = TestProcess.run(["/usr/bin/env"] + TraceSchema.validatorArguments(trace: trace))
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(text.contains("\"protocol\":\"direct\",\"host\":\"localhost\""))
        #expect(text.contains("\"localhost\":{\"connections\":2"), "run_end counts both connections")
        #expect(text.contains("\"address\":\"198.18.0.250\"") && text.contains("\"decision\":\"block\""))

        // Not listed exactly: the same name is refused (the DNS gives no address for it).
        try ws.write("q.yaml", "sandbox:\n  network: domains\n  network_domains: {allow: [pypi.org]}\n")
        let refused = try ws.run(["python3", "probe.py", String(server.port)], options: ["--policy", "q.yaml"])
        #expect(refused.stdout.contains("dns localhost 3 None"), "\(refused.stdout)\(refused.stderr)")
    }

    @Test("a CONNECT through the proxy to an address the sandbox's DNS gave out is decided and made as its name")
    func proxyToGivenAddress() throws {
        let ws = try Workspace()
        let server = try LocalServer(Self.echo, [])
        try ws.write(
            "c.py",
            Self.localhostAddress
                + """
                import socket, struct, sys
                s = socket.create_connection(("127.0.0.1", 3128), timeout=10)
                s.sendall(b"CONNECT %s:%s HTTP/1.1\\r\\n\\r\\n" % (addr.encode(), sys.argv[1].encode()))
                head = b""
                while b"\\r\\n\\r\\n" not in head: head += s.recv(1)
                print(head.split(b"\\r\\n")[0].decode())
                s.sendall(b"y"); print(s.recv(10).decode())
                """)
        try ws.write("p.yaml", "sandbox:\n  network: domains\n  network_domains: {allow: [localhost]}\n")
        let r = try ws.run(["python3", "c.py", String(server.port)], options: ["--policy", "p.yaml"])
        #expect(r.stdout.contains(" 200 "), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("echo:y"), "\(r.stdout)\(r.stderr)")
        #expect(try gateLog(ws).contains("cmd=\"CONNECT localhost:\(server.port)\""))
    }

    @Test("proxy_env: false: no proxy variables inside, and connections by name still work")
    func withoutProxyVariables() throws {
        let ws = try Workspace()
        let server = try LocalServer(Self.echo, [])
        try ws.write(
            "e.py",
            Self.localhostAddress
                + """
                import os, socket, struct, sys
                print("proxy vars:", sorted(k for k in os.environ if "proxy" in k.lower()))
                c = socket.create_connection((addr, int(sys.argv[1])), timeout=10); c.sendall(b"x"); print(c.recv(10).decode())
                """)
        try ws.write(
            "p.yaml", "sandbox:\n  network: domains\n  network_domains: {allow: [localhost], proxy_env: false}\n")
        let r = try ws.run(["python3", "e.py", String(server.port)], options: ["--policy", "p.yaml"])
        #expect(r.stdout.contains("proxy vars: []"), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("echo:x"), "\(r.stdout)\(r.stderr)")
    }

    @Test("an ask host's connection by name waits for a person; refused (--approval deny) it fails with EACCES")
    func askByName() throws {
        let ws = try Workspace()
        let server = try LocalServer(Self.echo, [])
        try ws.write(
            "c.py",
            Self.localhostAddress
                + """
                import socket, struct, sys
                try: socket.create_connection((addr, int(sys.argv[1])), timeout=10); print("connected")
                except OSError as e: print("refused", e.errno)
                """)
        try ws.write("p.yaml", "sandbox:\n  network: domains\n  network_domains: {ask: [localhost]}\n")
        let r = try ws.run(["python3", "c.py", String(server.port)], options: ["--policy", "p.yaml"])
        #expect(r.stdout.contains("refused \(EACCES)"), "\(r.stdout)\(r.stderr)")
        #expect(try gateLog(ws).contains("cmd=\"TCP localhost:\(server.port)\""))
    }

    @Test(
        "a socket cordon connected by name cannot be dissolved (connect AF_UNSPEC) and pointed at the host's loopback"
    )
    func injectedSocketStaysConnected() throws {
        let ws = try Workspace()
        let server = try LocalServer(Self.echo, [])
        // A service of the host's on 127.0.0.2: no listed name leads there.
        let secret = try LocalServer(Self.echo.replacingOccurrences(of: "127.0.0.1", with: "127.0.0.2"), [])
        try ws.write(
            "d.py",
            Self.localhostAddress
                + """
                import ctypes, socket, struct, sys
                libc = ctypes.CDLL(None, use_errno=True)
                c = socket.create_connection((addr, int(sys.argv[1])), timeout=10)
                unspec = struct.pack("=H14x", 0)
                r = libc.connect(c.fileno(), unspec, len(unspec))
                print("dissolve", r, ctypes.get_errno() if r else 0)
                try: c.connect(("127.0.0.2", int(sys.argv[2]))); c.sendall(b"x"); print("reached", c.recv(100).decode())
                except OSError as e: print("refused", e.errno)
                c.sendall(b"still"); print("kept", c.recv(100).decode())
                # From a second thread: the monitor takes the socket through that thread's pidfd.
                import threading
                def other():
                    t = socket.create_connection((addr, int(sys.argv[1])), timeout=10); t.sendall(b"t"); print("thread", t.recv(100).decode())
                th = threading.Thread(target=other); th.start(); th.join()
                """)
        try ws.write("p.yaml", "sandbox:\n  network: domains\n  network_domains: {allow: [localhost]}\n")
        let r = try ws.run(
            ["python3", "d.py", String(server.port), String(secret.port)], options: ["--policy", "p.yaml"])
        #expect(r.stdout.contains("dissolve -1 \(EISCONN)"), "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("reached"), "\(r.stdout)")
        #expect(r.stdout.contains("refused \(EISCONN)"), "\(r.stdout)")
        // The connection by name itself is untouched.
        #expect(r.stdout.contains("kept echo:still"), "\(r.stdout)")
        #expect(r.stdout.contains("thread echo:t"), "\(r.stdout)")
    }
}
