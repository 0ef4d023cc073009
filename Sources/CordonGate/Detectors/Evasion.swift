// Defence evasion: hiding what ran (history, logs, timestamps) and switching defences off.

enum Evasion {
    static let securityServices = [
        "auditd", "falco", "osqueryd", "osquery", "apparmor", "firewalld", "ufw", "wazuh-agent",
        "crowdstrike", "falcon-sensor", "sysmon", "clamav-daemon", "clamd", "aide", "selinux",
        "snort", "suricata", "ossec", "tetragon", "sentinelone", "cbagentd", "rsyslog", "syslog-ng",
        "systemd-journald", "iptables", "nftables", "fail2ban",
    ]

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        switch Name(p) {
        case "history":
            // `history -d N` deletes entry N (bash); zsh's bare `history -d` prints dates.
            if inv.hasAny(["-c", "-w"]) && inv.has("-c") || inv.has("-d") && !inv.positionals.isEmpty
                || inv.args.contains(where: { $0.utf8.count > 2 && $0.hasPrefix("-d") && $0 != "-d" })
            {
                a.hit(.historyTamper, k, reason: "clears shell history")
            }
        case "unset":
            if inv.args.contains("HISTFILE") {
                a.hit(.historyTamper, k, reason: "unset HISTFILE: stops recording history")
            }
        case "set":
            if inv.args.contains("+o") && inv.args.contains("history") {
                a.hit(.historyTamper, k, reason: "set +o history: stops recording history")
            }
        case "setenforce":
            if inv.args.first == "0" || inv.args.first?.asciiLowercased == "permissive" {
                a.hit(.securityDisabled, k, reason: "setenforce 0 disables SELinux")
            }
        case "ufw":
            if inv.subcommand == "disable" || inv.subcommand == "reset" {
                a.hit(.securityDisabled, k, reason: "ufw \(inv.subcommand ?? "") turns the firewall off")
            }
        case "iptables", "ip6tables", "nft":
            if inv.hasAny(["-F", "--flush", "-X"]) || inv.args.contains("flush")
                || (inv.has("-P") && inv.args.contains("ACCEPT"))
            {
                a.hit(.securityDisabled, k, reason: "\(p) flushes firewall rules")
            }
        case "aa-disable", "aa-complain", "aa-teardown":
            a.hit(.securityDisabled, k, reason: "\(p) switches AppArmor off")
        case "auditctl":
            if inv.has("-D") || inv.value(of: "-e") == "0" {
                a.hit(.securityDisabled, k, reason: "auditctl disables auditing")
            }
        case "systemctl", "service":
            let words = inv.args
            if words.contains(where: { ["stop", "disable", "mask", "kill"].contains($0) }),
                let svc = words.first(where: { w in securityServices.contains { w.hasPrefix($0) } })
            {
                a.hit(.securityDisabled, k, reason: "\(p) stops the security service \(svc)")
            }
        case "kill", "pkill", "killall":
            if let svc = inv.args.first(where: { w in securityServices.contains { w == $0 } }) {
                a.hit(.securityAgentKilled, k, reason: "\(p) kills the security agent \(svc)")
            }
        case "journalctl":
            // B5: `--vacuum-time 2d`, `--vacuum-size 100M` delete archived journal files, the
            // system's logs (gate-classes.md: deleting system logs blocks).
            if inv.args.contains(where: { $0.hasPrefix("--vacuum") }) {
                a.hit(.logTamper, k, reason: "journalctl --vacuum deletes system logs")
            }
        case "touch":
            if inv.hasAny(["-r", "--reference", "-d", "--date", "-t"]) {
                a.hit(.timestomp, k, reason: "touch sets file times to chosen values")
            }
        case "rm", "shred", "truncate", "unlink":
            if let t = inv.positionals.first(where: {
                $0.hasPrefix("/var/log") || $0.has("wtmp") || $0.has("btmp") || $0.has("lastlog")
            }) {
                a.hit(.logTamper, k, reason: "\(p) removes logs (\(t))")
            }
            if let t = inv.positionals.first(where: { $0.homeNormalised.has("_history") }) {
                a.hit(.historyTamper, k, reason: "\(p) removes shell history (\(t))")
            }
        case "ln":
            if inv.has("-s") && inv.args.contains("/dev/null")
                && inv.args.contains(where: { $0.has("_history") })
            {
                a.hit(.historyTamper, k, reason: "links shell history to /dev/null")
            }
        default:
            break
        }
        for t in a.outputTargets(k) where t.hasPrefix("/var/log/") || t.homeNormalised.has("_history") {
            let cmd = a[commandOf: k]
            if cmd.words.isEmpty || p.eq("echo") || p.eq("cat") || p.eq("printf") || p.eq(":") || p.eq("true") {
                a.hit(.logTamper, k, reason: "overwrites \(t)")
            }
        }
    }

    static func checkScript(_ a: Analysis) {
        for (name, value) in a.script.bareAssignments {
            if (name == "HISTFILE" && (value.value == "/dev/null" || value.value.isEmpty))
                || (name == "HISTSIZE" && value.value == "0")
                || name == "HISTFILESIZE" && value.value == "0"
                // Commands written with a leading space (or matching the pattern) are left out.
                || name == "HISTCONTROL" && (value.value.has("ignorespace") || value.value.has("ignoreboth"))
                || name == "HISTIGNORE" && value.value.has("*")
            {
                a.hit(
                    .historyTamper, evidence: "\(name)=\(value.value)",
                    reason: "\(name)=\(value.value): stops recording history")
            }
        }
        // `> /var/log/auth.log` on its own line is a command with only a redirection.
        for c in a.script.commands where c.words.isEmpty {
            for r in c.redirects
            where r.isOutput && (r.target.value.hasPrefix("/var/log/") || r.target.value.has("_history")) {
                a.hit(.logTamper, evidence: c.text, reason: "truncates \(r.target.value)")
            }
        }
    }
}
