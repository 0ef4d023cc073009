// The escape suite, kernel edges: socket families no network namespace confines, the deny list's
// less common calls, other architectures' syscall entries, and the host's network as
// `sandbox.mode: landlock` leaves it in reach (no network namespace there: loopback and the
// abstract unix namespace are the host's).
import CordonBase
import CordonTestSupport
import Foundation
import Testing

@Suite(
    "escape suite: kernel edges", .serialized, .enabled(if: SandboxSupport.available, SandboxSupport.skipReason),
    .timeLimit(.minutes(10)))
struct EscapeSuiteKernelTests {
    // Regression: `socket(AF_VSOCK)` worked in every sandbox, and the monitor let its connect
    // through under `network: none`. virtio-vsock is not network-namespaced: in a VM it reaches
    // the hypervisor's host (CID 2) and every vsock service of the guest. The other families are
    // module-autoloaded kernel code an agent's tools never use (AF_CAN's BCM, AF_RDS, AF_TIPC,
    // AF_ALG have had local privilege escalations). 17 is AF_PACKET, 16 (netlink) stays open.
    static let refusedFamilies = ["40", "38", "30", "29", "21", "17", "15", "0", "44", "45"]

    @Test("a socket of a family other than unix, inet, inet6 and netlink cannot be made", arguments: refusedFamilies)
    func socketFamily(_ family: String) throws {
        let ws = try Workspace()
        for monitor in [false, true] {
            let r = try ws.attempt(["socket-family", family], monitor: monitor)
            #expect(
                r.stdout.hasPrefix("socket-family: errno=EAFNOSUPPORT"), "monitor \(monitor): \(r.stdout)\(r.stderr)")
        }
    }

    @Test("the families tools need still work: unix, inet, inet6, netlink")
    func usualFamilies() throws {
        let ws = try Workspace()
        for family in ["1", "2", "10", "16"] {
            let r = try ws.attempt(["socket-family", family])
            #expect(r.stdout.hasPrefix("socket-family: ok"), "family \(family): \(r.stdout)\(r.stderr)")
        }
    }

    static let deniedCalls: [[String]] = [
        ["open_by_handle_at"], ["name_to_handle_at"], ["fsopen"], ["open_tree"], ["move_mount"],
        ["mount_setattr"], ["pivot_root"], ["chroot"], ["userfaultfd"], ["unshare-mount"], ["tioclinux"],
        ["process_vm_writev"],
    ]

    @Test("the deny list's calls fail from inside", arguments: deniedCalls)
    func denied(_ args: [String]) throws {
        let ws = try Workspace()
        let r = try ws.attempt(args)
        #expect(r.stdout.hasPrefix(args[0] + ": errno=EPERM"), "\(r.stdout)\(r.stderr)")
    }

    @Test("another process's memory cannot be opened for writing, even a child's")
    func procMemWrite() throws {
        let ws = try Workspace()
        let r = try ws.attempt(["proc-mem-write"])
        #expect(r.stdout.hasPrefix("proc-mem-write: errno="), "\(r.stdout)\(r.stderr)")
    }

    @Test("an exec through execveat(fd, \"\", AT_EMPTY_PATH) is judged by the file the descriptor names")
    func execveatGated() throws {
        let ws = try Workspace()
        try ws.write("argv.txt", "/usr/bin/cat\ncat\n/etc/shadow\n")
        let r = try ws.attempt(["execveat-file", "argv.txt"], monitor: true)
        #expect(r.stdout.hasPrefix("execveat-file: errno=EPERM"), "\(r.stdout)\(r.stderr)")
        let log = (try? String(contentsOfFile: ws.path + "/.cordon/gate.log", encoding: .utf8)) ?? ""
        #expect(
            log.split(separator: "\n").contains { $0.contains("source=monitor") && $0.contains("/etc/shadow") },
            "no monitor line for the exec: \(log)")
        // The same exec of a harmless program runs.
        try ws.write("ok.txt", "/usr/bin/echo\necho\nexecveat-ran\n")
        let ok = try ws.attempt(["execveat-file", "ok.txt"], monitor: true)
        #expect(ok.stdout == "execveat-ran\n", "\(ok.stdout)\(ok.stderr)")
    }

    @Test(
        "the command starts with stdin, stdout and stderr only: no descriptor of cordon's leaks in",
        arguments: [[], ["--network", "host"], ["--no-monitor"]])
    func noLeakedDescriptors(_ options: [String]) throws {
        let ws = try Workspace()
        let r = try ws.attempt(["fds"], options: options)
        #expect(r.stdout == "fds: 0,1,2\n", "\(options): \(r.stdout)\(r.stderr)")
    }

    @Test(
        "the sandbox's init, which keeps its capabilities, cannot be looked into",
        arguments: [
            "init-environ", "init-fds", "init-mem", "init-signal",
        ])
    func initClosed(_ what: String) throws {
        let ws = try Workspace()
        let r = try ws.attempt([what], env: ["CORDON_ESCAPE_MARKER": "secret-of-the-caller"])
        let expected = what == "init-signal" ? "EPERM" : "EACCES"
        #expect(r.stdout.hasPrefix(what + ": errno=" + expected), "\(r.stdout)\(r.stderr)")
    }

    #if arch(x86_64)
        // i386 (int 0x80) and x32 numbers differ from x86_64's: a deny list keyed on x86_64 numbers
        // would not apply there, so those entries kill the process (SIGSYS) before it runs anything.
        @Test("a syscall through the i386 or x32 entry kills the process", arguments: ["int80", "x32"])
        func otherABI(_ entry: String) throws {
            let ws = try Workspace()
            let r = try ws.attempt([entry])
            #expect(r.status == 128 + SIGSYS, "status \(r.status): \(r.stdout)\(r.stderr)")
            #expect(!r.stdout.contains("returned"), "\(r.stdout)")
        }
    #endif

    // Regression: in `sandbox.mode: landlock` with `network: none`, Landlock refused the process's
    // own TCP connect to the host's 127.0.0.1, but the monitor judged loopback as the sandbox's own
    // (true only with a network namespace) and made the connect itself, from cordon, outside the
    // Landlock domain: the host's service was reached. The same held for an abstract unix socket
    // (Landlock's scope binds the process, not cordon) and for UDP, which Landlock does not cover
    // at all (even with --no-monitor).
    @Test("mode landlock with network none: the host's loopback, UDP and abstract sockets stay out of reach")
    func landlockHostNetwork() throws {
        let tcp = try HostSocket(.tcp)
        let udp = try HostSocket(.udp)
        let name = "cordon-escape-\(getpid())"
        let abstract = try HostSocket(.abstractStream(name))
        defer {
            tcp.stop()
            udp.stop()
            abstract.stop()
        }
        // Controls: each is reachable from the host itself.
        let control = try Shell.run(Binaries.tryHelper, ["tcp-connect", "127.0.0.1", String(tcp.port)])
        #expect(control.stdout.hasPrefix("tcp-connect: ok"), "control: \(control.stdout)")
        let controlAbstract = try Shell.run(Binaries.tryHelper, ["abstract-connect", name])
        #expect(controlAbstract.stdout.hasPrefix("abstract-connect: ok"), "control: \(controlAbstract.stdout)")
        #expect(tcp.waitReceived(atLeast: 1) && abstract.waitReceived(atLeast: 1), "the controls were not counted")
        let before = (tcp: tcp.received, udp: udp.received, abstract: abstract.received)

        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  mode: landlock\n  network: none\n")
        let policy = ["--policy", ws.path + "/p.yaml"]
        for monitor in [true, false] {
            let t = try ws.attempt(["tcp-connect", "127.0.0.1", String(tcp.port)], options: policy, monitor: monitor)
            #expect(t.stdout.hasPrefix("tcp-connect: errno="), "monitor \(monitor): \(t.stdout)\(t.stderr)")
            let u = try ws.attempt(["dgram-to", "127.0.0.1", String(udp.port)], options: policy, monitor: monitor)
            #expect(u.stdout.hasPrefix("dgram-to: errno="), "monitor \(monitor): \(u.stdout)\(u.stderr)")
            let a = try ws.attempt(["abstract-connect", name], options: policy, monitor: monitor)
            #expect(a.stdout.hasPrefix("abstract-connect: errno="), "monitor \(monitor): \(a.stdout)\(a.stderr)")
        }
        usleep(200_000)
        #expect(tcp.received == before.tcp, "the host's TCP service was reached from the sandbox")
        #expect(udp.received == before.udp, "the host's UDP service got a datagram from the sandbox")
        #expect(abstract.received == before.abstract, "the host's abstract socket was reached from the sandbox")
    }

    // As an ordinary user the command and cordon share a uid, so only Landlock's signal scope
    // stops this (without it cordon dies of the SIGTERM: 143); as root the uids differ as well.
    @Test("mode landlock: the command cannot signal cordon, its parent there")
    func landlockSignalScope() throws {
        let ws = try Workspace()
        try ws.write("p.yaml", "extends: default\nsandbox:\n  mode: landlock\n")
        let r = try ws.attempt(["kill-parent"], options: ["--policy", ws.path + "/p.yaml"])
        #expect(r.stdout.contains("kill-parent: errno=EPERM"), "\(r.status): \(r.stdout)\(r.stderr)")
        #expect(r.status == 1, "cordon itself must still report the command's status: \(r.status)")
    }

    // Regression: under `network: allow-list` (the host's network namespace, shared) the monitor
    // allowed every unix address and made the connect itself, outside the Landlock domain whose
    // abstract-socket scope refuses the process's own: the host's `@` sockets were reachable.
    @Test("with network allow-list, the host's abstract unix sockets stay out of reach")
    func abstractUnderAllowList() throws {
        let name = "cordon-escape-al-\(getpid())"
        let abstract = try HostSocket(.abstractStream(name))
        defer { abstract.stop() }
        let control = try Shell.run(Binaries.tryHelper, ["abstract-connect", name])
        #expect(control.stdout.hasPrefix("abstract-connect: ok"), "control: \(control.stdout)")
        #expect(abstract.waitReceived(atLeast: 1), "the control was not counted")
        let before = abstract.received
        let ws = try Workspace()
        try ws.write(
            "p.yaml", "extends: default\nsandbox:\n  network: allow-list\n  network_allow: [\"127.0.0.1:9\"]\n")
        // Without the monitor the process calls itself, and Landlock's scope refuses it.
        for monitor in [false, true] {
            let r = try ws.attempt(
                ["abstract-connect", name], options: ["--policy", ws.path + "/p.yaml"], monitor: monitor)
            #expect(r.stdout.hasPrefix("abstract-connect: errno="), "monitor \(monitor): \(r.stdout)\(r.stderr)")
        }
        usleep(200_000)
        #expect(abstract.received == before, "the host's abstract socket was reached from the sandbox")
        let events = RunEvidence.events(try RunEvidence.lastTrace(ws), "connect")
        #expect(events.contains { ($0["reason"] as? String)?.contains("abstract unix sockets") == true }, "\(events)")
    }

    @Test("with namespaces and network none, a host abstract unix socket is another namespace's")
    func abstractOtherNamespace() throws {
        let name = "cordon-escape-ns-\(getpid())"
        let abstract = try HostSocket(.abstractStream(name))
        defer { abstract.stop() }
        let ws = try Workspace()
        for monitor in [true, false] {
            let r = try ws.attempt(["abstract-connect", name], options: ["--network", "none"], monitor: monitor)
            #expect(r.stdout.hasPrefix("abstract-connect: errno=ECONNREFUSED"), "\(r.stdout)\(r.stderr)")
        }
        #expect(abstract.received == 0)
    }
}
