import CordonBase
import CordonPolicy
// `cordon doctor`: which isolation layers work on this machine, why not, and what cordon does
// instead. Every probe really tries the thing (in a throwaway child), it does not read config.
import CordonRun
import CordonSandbox
import Glibc

enum DoctorCommand: Subcommand {
    static let name = "doctor"
    static let summary = "report which isolation layers work on this machine"
    static let helpText = HelpText(
        usage: ["cordon doctor [--json]"],
        about: """
            Probes each isolation layer (user namespaces; mount, pid and net namespaces; the
            seccomp filter; seccomp user notification; Landlock; cgroups; whether cordon runs as
            root) and says whether it works here, and if not why and what cordon does instead.
            Exits 0 when the full sandbox is available, 2 when cordon must fall back to weaker
            isolation, 1 when no isolation is possible at all.
            """,
        sections: [("options", [.flag("json", "one JSON object: the verdict and every check")])],
        footer: """
            environment:
              CORDON_DISABLE=userns,seccomp,notify,landlock,cgroups   report a layer as missing
            """)

    struct Check {
        var layer: String
        var ok: Bool
        var detail: String
        var fallback: String
    }

    static func run(_ args: [String], _ ctx: Context) throws(CLIError) -> Int32 {
        let parsed = try ArgumentParser.parse(args, options: helpText.options, command: name)
        if let extra = parsed.positionals.first {
            throw .usage("doctor: unexpected argument '\(extra)'", command: name)
        }
        let probe = Probe(environment: ctx.environment)
        let checks = probeAll(probe)
        func ok(_ layer: String) -> Bool { checks.contains { $0.layer == layer && $0.ok } }
        let level = Isolation.level(
            namespaces: ok(Layer.userNamespaces) && ok(Layer.namespaces), seccomp: ok(Layer.seccomp),
            landlock: ok(Layer.landlock))
        let code = ExitCode.of(level).rawValue
        if parsed.flag("json") {
            let items = checks.map { c in
                JSONValue.object([
                    ("layer", .string(c.layer)), ("ok", .bool(c.ok)), ("detail", .string(c.detail)),
                    ("fallback", c.ok ? .null : .string(c.fallback)),
                ])
            }
            ctx.output.out(
                JSONValue.object([("isolation", .string(level.rawValue)), ("checks", .array(items))]).serialized()
                    + "\n")
            return code
        }
        let tty = ctx.stdoutIsTTY
        for c in checks {
            let mark = c.ok ? (tty ? "\u{1B}[32mok\u{1B}[0m  " : "ok  ") : (tty ? "\u{1B}[31mno\u{1B}[0m  " : "no  ")
            var line = mark + c.layer.padding(to: 26) + c.detail + "\n"
            if !c.ok { line += "    -> " + c.fallback + "\n" }
            ctx.output.out(line)
        }
        switch level {
        case .full: ctx.output.out("\nfull isolation available: cordon run uses namespaces, seccomp and Landlock\n")
        case .degraded:
            ctx.output.out(
                "\ndegraded: cordon run falls back to the layers marked ok (a policy with sandbox.require: [namespaces] refuses to run)\n"
            )
        case .none:
            ctx.output.out(
                "\nno isolation is possible here: cordon run refuses to run commands (unless --unsandboxed)\n")
        }
        return code
    }

    /// The layers the verdict is decided on, named as the report prints them.
    enum Layer {
        static let userNamespaces = "user namespaces"
        static let namespaces = "mount/pid/net namespaces"
        static let seccomp = "seccomp filter"
        static let landlock = "landlock"
    }

    static func probeAll(_ probe: Probe) -> [Check] {
        var checks: [Check] = []
        let u = probe.userNamespaces()
        checks.append(
            Check(
                layer: Layer.userNamespaces, ok: u == 0,
                detail: u == 0
                    ? "unprivileged user namespaces can be created"
                    : "unshare(CLONE_NEWUSER): \(Errno.text(u))" + usernsHint(u),
                fallback: "Landlock + seccomp + rlimits only: no private filesystem view, pid or network isolation"))
        let all = u == 0 ? probe.allNamespaces() : u
        checks.append(
            Check(
                layer: Layer.namespaces, ok: all == 0,
                detail: all == 0
                    ? "mount, pid, net, ipc and uts namespaces inside a user namespace" : "unshare: \(Errno.text(all))",
                fallback: "same as above: Landlock + seccomp + rlimits"))
        var seccompOK = false
        var seccompDetail = ""
        do throws(SandboxError) {
            let program = try SeccompCompiler.compile(try SeccompProfiles.profile(named: "default"))
            let r = probe.seccompFilter(program)
            seccompOK = r == 0
            seccompDetail =
                r == 0
                ? "default deny list (\(program.instructions.count) BPF instructions) installs"
                : "seccomp(SET_MODE_FILTER): \(Errno.text(r))"
        } catch {
            seccompDetail = error.description
        }
        checks.append(
            Check(
                layer: Layer.seccomp, ok: seccompOK, detail: seccompDetail,
                fallback: "dangerous syscalls (mount, ptrace, bpf, io_uring, ...) are not filtered"))
        let n = probe.seccompNotify()
        checks.append(
            Check(
                layer: "seccomp user notification", ok: n == 0,
                detail: n == 0
                    ? "SECCOMP_RET_USER_NOTIF available (exec gating by the monitor)"
                    : "SECCOMP_GET_ACTION_AVAIL: \(Errno.text(n))",
                fallback: "the monitor cannot gate execs inside the sandbox; only the first command is gated"))
        let abi = probe.landlockABI()
        checks.append(
            Check(
                layer: Layer.landlock, ok: abi != nil,
                detail: abi.map { "ABI \($0)" } ?? "landlock_create_ruleset: \(Errno.text(probe.landlockError()))",
                fallback: "no second filesystem layer; with namespaces, the mount view still confines writes"))
        let root = geteuid() == 0
        // By doing: a group is created, limited and removed, as a run's would be.
        let cgProblem = probe.cgroupsProblem()
        checks.append(
            Check(
                layer: "cgroups", ok: cgProblem == nil,
                detail: cgProblem == nil
                    ? "memory and pids limits per run (a test group was created and removed)" : cgProblem ?? "",
                fallback: "rlimits only: address space per process, processes per user"))
        if root {
            // As root the workspace is an idmapped mount (docs/environment.md): probe the
            // filesystem of the directory cordon would use, by making one.
            let cwd = FileIO.cwd()
            let r = probe.idmappedMount(cwd)
            checks.append(
                Check(
                    layer: "idmapped mounts", ok: r == 0,
                    detail: r == 0
                        ? "the workspace (\(cwd)) can be idmapped: the sandbox writes it, files keep their owner"
                        : "mount_setattr(MOUNT_ATTR_IDMAP) on \(cwd): \(Errno.text(r))",
                    fallback:
                        "a workspace owned by a user runs as that user; one owned by root is only as writable as its mode allows uid 65534 (never host root)"
                ))
        }
        checks.append(
            Check(
                layer: "running as root", ok: true,
                detail: root
                    ? "yes: the sandbox user maps to an unprivileged uid (sandbox.uid, default 65534)"
                    : "no (uid \(geteuid())): the sandbox user is you, without capabilities",
                fallback: ""))
        return checks
    }

    static func usernsHint(_ e: Int32) -> String {
        if access("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", F_OK) == 0 {
            return " (AppArmor restricts unprivileged user namespaces: kernel.apparmor_restrict_unprivileged_userns)"
        }
        if e == ENOSPC { return " (user.max_user_namespaces is 0)" }
        return ""
    }
}
