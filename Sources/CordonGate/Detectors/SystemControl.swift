// System control (power, kill everything, kernel) and resource abuse (fork bombs, disk fill).

enum SystemControl {
    /// Package managers that stage an upgrade offline and apply it on a reboot they trigger.
    static let offlineUpdaters: NameSet = ["dnf", "dnf5", "yum"]
    static let offlineUpdateVerbs: NameSet = ["system-upgrade", "offline", "offline-upgrade", "offline-distrosync"]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "shutdown", "reboot", "halt", "poweroff":
            if !inv.hasAny(["-c", "--help", "--show"]) {
                a.hit(.powerControl, k, reason: "\(p) takes the machine down")
            } else if p.eq("shutdown"), inv.has("-c") {
                // A8: cancelling a scheduled shutdown changes what the host will do (someone
                // scheduled it); asked, not blocked.
                a.hit(.systemChange, k, reason: "shutdown -c cancels a scheduled shutdown")
            }
        case "kexec":
            // B6: `kexec -l` stages a kernel that replaces the running one, `-e` boots it at once;
            // either way the host's running system goes (gate-classes lists kexec with reboot).
            // Unloading the staged kernel (`-u`) only takes that back: a system change (A8).
            if inv.hasAny(["-u", "--unload"]) {
                a.hit(.systemChange, k, reason: "kexec --unload discards a staged kernel")
            } else if !inv.args.isEmpty {
                a.hit(.powerControl, k, reason: "kexec loads or boots another kernel in place of this one")
            }
        case "init", "telinit":
            if ["0", "6", "1", "S", "s"].contains(inv.args.first ?? "") {
                a.hit(.powerControl, k, reason: "\(p) \(inv.args[0]) changes the runlevel")
            } else if p.eq("telinit"), let l = inv.args.first, !l.isOptionLike {
                // Another runlevel starts and stops services (A8); `q` reloads init's configuration.
                a.hit(.systemChange, k, reason: "telinit \(l) changes the runlevel")
            }
        case "systemctl":
            if [
                "reboot", "poweroff", "halt", "kexec", "suspend", "hibernate", "emergency", "rescue",
                "isolate",
            ].contains(inv.subcommand ?? "") {
                a.hit(.powerControl, k, reason: "systemctl \(inv.subcommand ?? "") takes the machine down")
            }
        case "kill":
            // The first dash argument is the signal (`kill -1 1234` is SIGHUP to 1234); a
            // target of -1 is every process, 1 is init.
            var rest = inv.args[...]
            if let f = rest.first, f == "-s" || f == "-n" {
                rest = rest.dropFirst(2)
            } else if let f = rest.first, f.hasPrefix("-"), f != "-1" || rest.count > 1 {
                rest = rest.dropFirst()
            }
            if rest.first == "--" { rest = rest.dropFirst() }
            if rest.contains("-1") || rest.contains("1") {
                a.hit(
                    .killAll, k,
                    reason: "kill \(inv.args.joined(separator: " ")) signals every process or init")
            }
        case "killall5":
            a.hit(.killAll, k, reason: "killall5 signals every process")
        case "pkill", "killall":
            if inv.value(of: "-u", "--user") == "root" || inv.args.contains(".")
                || inv.args.contains(".*")
            {
                a.hit(.killAll, k, score: 80, reason: "\(p) kills every process of a user")
            }
        case "sysctl":
            if inv.hasAny(["-w", "--write", "-p", "--load"]) || inv.args.contains(where: { $0.has("=") }) {
                a.hit(.kernelTuning, k, reason: "sysctl changes kernel parameters")
            }
        case "insmod", "rmmod", "modprobe", "kmod":
            let listing = p.eq("kmod") && ["list", "static-nodes"].contains(inv.subcommand ?? "list")
            if !(p.eq("modprobe")
                && inv.hasAny(["-n", "--dry-run", "-c", "--showconfig", "-D", "--show-depends"]))
                && !listing
            {
                a.hit(.kernelModule, k, reason: "\(p) changes kernel modules")
            }
        case "swapoff":
            if inv.hasAny(["-a", "--all"]) { a.hit(.swapOff, k, reason: "swapoff -a removes all swap") }
        default:
            // B6: any program told to restart or power off the machine when it is done
            // (`rpm-ostree upgrade --reboot`, `updatectl --reboot update`): the host goes down
            // as with `reboot` itself. (`--no-reboot` and `--reboot-required` checks are other options.)
            if let f = inv.args.first(where: { $0 == "--reboot" || $0 == "--poweroff" }) {
                a.hit(.powerControl, k, reason: "\(p) \(f) restarts or powers off the machine afterwards")
            } else if inv.positionals.count >= 2, inv.positionals[1] == "reboot", offlineUpdaters.contains(p),
                offlineUpdateVerbs.contains(inv.positionals[0])
            {
                // B6: `dnf system-upgrade reboot`, `dnf5 offline reboot` restart the host at once
                // to apply the staged upgrade (`status`, `log`, `clean`, `download` do not).
                a.hit(.powerControl, k, reason: "\(p) \(inv.positionals[0]) reboot restarts the machine")
            }
        }
        for t in a.writtenFiles(k) where t.hasPrefix("/proc/sys/") || t == "/proc/sysrq-trigger" {
            a.hit(t == "/proc/sysrq-trigger" ? .powerControl : .kernelTuning, k, reason: "writes \(t)")
        }
        // Disk fill: an endless or huge source written to a file.
        if p.eq("yes")
            || (p.eq("cat")
                && inv.args.contains(where: {
                    $0 == "/dev/zero" || $0 == "/dev/urandom" || $0 == "/dev/random"
                }))
        {
            if a.outputTargets(k).contains(where: { !$0.hasPrefix("/dev/") }) {
                a.hit(.diskFill, k, reason: "writes an endless stream into a file")
            }
        }
        if p.eq("dd"), inv.args.contains(where: { $0 == "if=/dev/zero" || $0 == "if=/dev/urandom" }),
            !inv.args.contains(where: { $0.hasPrefix("count=") })
        {
            a.hit(.diskFill, k, reason: "dd copies an endless source with no count")
        }
        if p.eq("fallocate") || p.eq("truncate"),
            let size = inv.value(of: "-l", "--length", "-s", "--size"),
            size.hasSuffix("T") || size.hasSuffix("P")
        {
            a.hit(.diskFill, k, score: 60, reason: "\(p) allocates \(size)")
        }
    }

    static func checkScript(_ a: Analysis) {
        // `while true; do echo x >> f; done`: an endless loop appending to a file.
        let loops = a.script.commands.enumerated().filter { $0.element.inLoop }
        guard !loops.isEmpty,
            a.script.text.has("while true") || a.script.text.has("while :")
                || a.script.text.has("for (( ; ; ))") || a.script.text.has("for ((;;))")
        else { return }
        if loops.contains(where: {
            $0.element.redirects.contains { $0.op == ">>" && !$0.target.value.hasPrefix("/dev/") }
                && !$0.element.text.has("sleep")
        })
            && !a.invocations.contains(where: { $0.program == "sleep" || $0.program == "break" })
        {
            a.hit(
                .diskFill, evidence: String(decoding: a.script.text.utf8.prefix(120), as: UTF8.self),
                reason: "an endless loop appends to a file")
        }
    }
}
