// The escape suite's network cases for security issue B.5/B.6: what a process reaches is the
// address cordon checked, and with `network: none` a host service's unix socket stays out of
// reach. Each host service here counts what really arrived (HostSocket), so a pass cannot come
// from a helper that merely printed the right errno.
import CordonBase
import CordonTestSupport
import Foundation
import Testing

extension EscapeSuiteTests {
    // Regression (B.5): a thread rewriting the sockaddr after the monitor read it reached a
    // forbidden port (111 of 300 connects before the fix) while the trace recorded the allowed one.
    @Test("a thread rewriting connect's address after the check reaches no forbidden port")
    func connectAddressRace() throws {
        let allowed = try HostSocket(.tcp)
        let forbidden = try HostSocket(.tcp)
        defer {
            allowed.stop()
            forbidden.stop()
        }
        let ws = try Workspace()
        try ws.write(
            "net.yaml",
            "extends: default\nsandbox:\n  network: allow-list\n  network_allow: [\"127.0.0.1:\(allowed.port)\"]\n")
        let r = try ws.attempt(
            ["connect-race", "300", "127.0.0.1", String(allowed.port), String(forbidden.port)],
            options: ["--policy", ws.path + "/net.yaml"], limit: 120, monitor: true)
        #expect(r.stdout.hasPrefix("connect-race: attempts=300"), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("forbidden-reached=0\n"), "\(r.stdout)")
        #expect(forbidden.received == 0, "the forbidden listener accepted \(forbidden.received) connections")
        // The race was really run: most connects went to the allowed port.
        #expect(allowed.received > 100, "only \(allowed.received) connects reached the allowed port")
    }

    // Regression (B.6): a root service listening on ./agent.sock in the workspace answered a
    // command run under `network: none`.
    @Test(
        "with network none, a host service's unix socket in the workspace is refused, by connect and by datagram",
        arguments: ["none", "domains"])
    func hostUnixSocketRefused(_ network: String) throws {
        let ws = try Workspace()
        let stream = try HostSocket(.unixStream(ws.path + "/agent.sock"))
        let dgram = try HostSocket(.unixDatagram(ws.path + "/agent.dgram"))
        defer {
            stream.stop()
            dgram.stop()
        }
        var options = ["--network", network]
        if network == "domains" {
            try ws.write(
                "dom.yaml",
                "extends: default\nsandbox:\n  network: domains\n  network_domains: {allow: [example.org]}\n")
            options = ["--policy", ws.path + "/dom.yaml"]
        }
        let trace = ws.path + "/t.jsonl"
        let c = try ws.attempt(["unix-connect", "./agent.sock"], options: options + ["--trace", trace], monitor: true)
        #expect(c.stdout == "unix-connect: errno=EACCES (Permission denied)\n", "\(c.stdout)\(c.stderr)")
        let d = try ws.attempt(["unix-sendto", ws.path + "/agent.dgram"], options: options, monitor: true)
        #expect(d.stdout == "unix-sendto: errno=EACCES (Permission denied)\n", "\(d.stdout)\(d.stderr)")
        usleep(100_000)
        #expect(stream.received == 0 && dgram.received == 0)
        let t = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(t.contains("\"family\":\"unix\"") && t.contains("\"decision\":\"block\""), "\(t)")
        // The sandbox's own sockets still work, and their servers see the connecting process's
        // uid and gid, not cordon's (root's, when cordon runs as root).
        let own = try ws.attempt(["unix-own", "/tmp/own.sock"], options: options, monitor: true)
        #expect(own.stdout == "unix-own: ok\n", "\(own.stdout)\(own.stderr)")
        // With uid 1000: the default sandbox user 65534 is also the kernel's overflow uid, which a
        // peer of cordon-as-root would show, so only another uid tells the two apart.
        try ws.write("uid.yaml", "extends: default\nsandbox:\n  network: \(network)\n  uid: 1000\n  gid: 1000\n")
        if network == "domains" {
            try ws.write(
                "uid.yaml",
                "extends: default\nsandbox:\n  network: domains\n  network_domains: {allow: [example.org]}\n  uid: 1000\n  gid: 1000\n"
            )
        }
        let peer = try ws.attempt(
            ["unix-peer", "/tmp/peer.sock"], options: ["--policy", ws.path + "/uid.yaml"], monitor: true)
        #expect(peer.stdout == "unix-peer: ok\n", "\(peer.stdout)\(peer.stderr)")
    }

    @Test("a host unix socket listed in sandbox.unix_sockets is reached; its neighbour is not")
    func listedUnixSocket() throws {
        let ws = try Workspace()
        let listed = try HostSocket(.unixStream(ws.path + "/listed.sock"))
        let other = try HostSocket(.unixStream(ws.path + "/other.sock"))
        defer {
            listed.stop()
            other.stop()
        }
        try ws.write("u.yaml", "extends: default\nsandbox:\n  unix_sockets: [\(ws.path)/listed.sock]\n")
        let a = try ws.attempt(
            ["unix-connect", "listed.sock"], options: ["--policy", ws.path + "/u.yaml"], monitor: true)
        #expect(a.stdout == "unix-connect: ok\n", "\(a.stdout)\(a.stderr)")
        let b = try ws.attempt(
            ["unix-connect", "other.sock"], options: ["--policy", ws.path + "/u.yaml"], monitor: true)
        #expect(b.stdout == "unix-connect: errno=EACCES (Permission denied)\n", "\(b.stdout)\(b.stderr)")
        listed.waitReceived(atLeast: 1)
        usleep(100_000)
        #expect(listed.received == 1 && other.received == 0)
    }

    // B.6 with the address race: a thread flips sun_path between a socket of the sandbox's own
    // and the host's. Checking the path and then letting the kernel resolve it again would let
    // some connects through to the host.
    @Test("a thread flipping a unix socket path after the check never reaches the host's socket")
    func unixPathRace() throws {
        let ws = try Workspace()
        let host = try HostSocket(.unixStream(ws.path + "/agent.sock"))
        defer { host.stop() }
        let r = try ws.attempt(
            ["unix-race", "300", "/tmp/own.sock", ws.path + "/agent.sock"], options: ["--network", "none"],
            limit: 120, monitor: true)
        #expect(r.stdout.hasPrefix("unix-race: attempts=300"), "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("other-reached=0\n"), "\(r.stdout)")
        #expect(host.received == 0)
        // The race was really run: most connects reached the sandbox's own socket.
        let own = r.stdout.split(separator: " ").first { $0.hasPrefix("own=") }.flatMap { Int($0.dropFirst(4)) } ?? 0
        #expect(own > 100, "\(r.stdout)")
    }
}

extension EscapeSuiteTests {
    // B.5/B.6 through sendmsg: its destination is in memory, where BPF cannot look; before, the
    // monitor never saw it, so a UDP datagram went anywhere under an allow-list and a datagram
    // reached a host service's unix socket under network none.
    @Test("sendmsg with a destination is judged like connect: allow-list and host unix sockets hold")
    func sendmsgDestinations() throws {
        let allowed = try HostSocket(.udp)
        let forbidden = try HostSocket(.udp)
        let ws = try Workspace()
        let dgram = try HostSocket(.unixDatagram(ws.path + "/agent.dgram"))
        defer {
            allowed.stop()
            forbidden.stop()
            dgram.stop()
        }
        try ws.write(
            "net.yaml",
            "extends: default\nsandbox:\n  network: allow-list\n  network_allow: [\"127.0.0.1:\(allowed.port)\"]\n")
        let policy = ["--policy", ws.path + "/net.yaml"]
        let no = try ws.attempt(["sendmsg-udp", "127.0.0.1", String(forbidden.port)], options: policy, monitor: true)
        #expect(no.stdout == "sendmsg-udp: errno=EPERM (Operation not permitted)\n", "\(no.stdout)\(no.stderr)")
        let yes = try ws.attempt(["sendmsg-udp", "127.0.0.1", String(allowed.port)], options: policy, monitor: true)
        #expect(yes.stdout == "sendmsg-udp: ok\n", "\(yes.stdout)\(yes.stderr)")
        let unix = try ws.attempt(
            ["sendmsg-unix", ws.path + "/agent.dgram"], options: ["--network", "none"], monitor: true)
        #expect(unix.stdout == "sendmsg-unix: errno=EACCES (Permission denied)\n", "\(unix.stdout)\(unix.stderr)")
        allowed.waitReceived(atLeast: 1)
        usleep(200_000)
        #expect(forbidden.received == 0 && dgram.received == 0)
        #expect(allowed.received == 1)
    }

    @Test(
        "messages cordon sends for the process still work: descriptors passed, sendmmsg lengths",
        arguments: ["sendmsg-rights", "sendmmsg-pair"])
    func messagesStillWork(_ mode: String) throws {
        let ws = try Workspace()
        let r = try ws.attempt([mode], options: ["--network", "none"], monitor: true)
        #expect(r.stdout == "\(mode): ok\n", "\(r.stdout)\(r.stderr)")
    }

    // cordon copies and rewrites a message's SCM_RIGHTS: a cmsg_len past the buffer's end must be
    // refused like the kernel refuses it, never followed out of the copy.
    @Test("a control message claiming more than its buffer is refused with EINVAL, and the run goes on")
    func oversizedControlMessage() throws {
        let ws = try Workspace()
        try ws.write("two.sh", "./cordon-try sendmsg-badcmsg\n./cordon-try sendmsg-rights\n")
        let r = try ws.run(["sh", "./two.sh"], options: ["--network", "none"])
        #expect(
            r.stdout == "sendmsg-badcmsg: errno=EINVAL (Invalid argument)\nsendmsg-rights: ok\n",
            "\(r.stdout)\(r.stderr)")
    }
}

extension EscapeSuiteTests {
    // cordon starts a blocking connect without blocking its loop and waits for it on a thread:
    // the process must still see a blocking connect, bounded by its own SO_SNDTIMEO.
    @Test("a connect that has to wait still blocks the caller, for as long as its SO_SNDTIMEO says")
    func blockingConnectWaits() throws {
        // A listener whose queue is full drops further SYNs: a connect to it waits.
        let l = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(l) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(l, $0, len) == 0 && getsockname(l, $0, &len) == 0
            }
        }
        #expect(ok && listen(l, 0) == 0)
        var fillers: [Int32] = []
        defer { for f in fillers { close(f) } }
        for _ in 0..<3 {
            let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(c, $0, len) }
            }
            fillers.append(c)
        }
        usleep(100_000)
        let port = String(UInt16(bigEndian: a.sin_port))
        let ws = try Workspace()
        try ws.write(
            "net.yaml", "extends: default\nsandbox:\n  network: allow-list\n  network_allow: [\"127.0.0.1:\(port)\"]\n")
        let r = try ws.attempt(
            ["connect-timeout", "127.0.0.1", port], options: ["--policy", ws.path + "/net.yaml"], monitor: true)
        // EINPROGRESS (115) after about a second, as the kernel answers a timed-out blocking connect.
        let words = r.stdout.split(separator: " ")
        let ms = words.firstIndex(of: "after").flatMap { $0 + 1 < words.count ? Int(words[$0 + 1]) : nil } ?? -1
        #expect(r.stdout.hasPrefix("connect-timeout: errno=\(EINPROGRESS) after "), "\(r.stdout)\(r.stderr)")
        #expect(ms >= 900 && ms < 5000, "\(r.stdout)")
    }
}

extension EscapeSuiteTests {
    // Regression (security issue F.16): the command wrote straight to the caller's terminal (its
    // stdin, read-write) around limits.output. In a terminal it now gets a pty of its own, and
    // everything it writes there, /dev/tty included, comes out through the cap.
    @Test("in a terminal the command gets its own pty, and what it writes to /dev/tty is held to limits.output")
    func ptyHoldsOutputCap() throws {
        let ws = try Workspace()
        let script = """
            import os, pty, select, subprocess, sys
            master, slave = pty.openpty()
            p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
            os.close(slave)
            os.write(master, b"typed-line\\n")
            out = b""
            while True:
                r, _, _ = select.select([master], [], [], 20)
                if not r:
                    break
                try:
                    d = os.read(master, 65536)
                except OSError:
                    break
                if not d:
                    break
                out += d
            p.wait()
            sys.stdout.write("rc=%d bytes=%d\\n" % (p.returncode, len(out)))
            sys.stdout.write(out.decode("latin-1").replace("\\r", ""))
            """
        try ws.write("p.yaml", "extends: default\nsandbox:\n  limits: {output: 4KiB}\n")
        try ws.write(
            "cmd.sh",
            "test -t 0 && test -t 1 && echo own-tty\nread line; echo \"got:$line\"\nhead -c 100000 /dev/zero | tr '\\0' x > /dev/tty\nhead -c 100000 /dev/zero | tr '\\0' y >&0\necho finished\n"
        )
        let r = try Shell.run(
            "/usr/bin/env",
            ["python3", "-c", script, Binaries.cordon, "run", "--workspace", ws.path, "--policy", ws.path + "/p.yaml"]
                + ["--", "sh", "./cmd.sh"],
            cwd: ws.path)
        #expect(r.stdout.hasPrefix("rc=0 "), "\(r.stdout.prefix(300))\(r.stderr)")
        #expect(r.stdout.contains("own-tty\n") && r.stdout.contains("got:typed-line\n"), "\(r.stdout.prefix(600))")
        #expect(r.stdout.contains("output limit of 4KiB reached"), "\(r.stdout.suffix(400))")
        let bytes =
            r.stdout.split(separator: " ").first { $0.hasPrefix("bytes=") }.flatMap {
                Int($0.dropFirst(6).prefix { $0.isNumber })
            } ?? -1
        // 4 KiB of the command's output plus cordon's own lines, never the 200,000 bytes written to /dev/tty and to stdin.
        #expect(bytes > 4096 && bytes < 12_000, "\(bytes) bytes reached the caller's terminal")
    }
}

extension EscapeSuiteTests {
    // Docker's default seccomp profile refuses pidfd_getfd without CAP_SYS_PTRACE: cordon must
    // still run and check connects there, say what it cannot do, and keep host sockets out.
    @Test(
        "where pidfd_getfd is refused, runs go on: connects are checked, host unix sockets refused, and the gap is said"
    )
    func withoutPidfdGetfd() throws {
        let ws = try Workspace()
        let host = try HostSocket(.unixStream(ws.path + "/agent.sock"))
        defer { host.stop() }
        let env = ["CORDON_DISABLE": "pidfd_getfd"]
        let own = try ws.attempt(
            ["unix-own", "/tmp/own.sock"], options: ["--network", "none"], env: env, monitor: true)
        #expect(own.stdout == "unix-own: ok\n", "\(own.stdout)\(own.stderr)")
        #expect(own.stderr.contains("pidfd_getfd is refused here"), "\(own.stderr)")
        let c = try ws.attempt(
            ["unix-connect", "./agent.sock"], options: ["--network", "none"], env: env, monitor: true)
        #expect(c.stdout == "unix-connect: errno=EACCES (Permission denied)\n", "\(c.stdout)\(c.stderr)")
        let dns = try ws.attempt(["sendmmsg-pair"], options: ["--network", "none"], env: env, monitor: true)
        #expect(dns.stdout == "sendmmsg-pair: ok\n", "\(dns.stdout)\(dns.stderr)")
        #expect(host.received == 0)
    }
}
