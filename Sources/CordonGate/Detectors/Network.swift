// Network tools: scanners, packet capture, listeners reachable from other machines, and plain
// network access (a small score).

enum Network {
    /// File-transfer and remote-login clients scored as plain network use (a static set: an
    /// array literal here was built and destroyed for every program that reached this case).
    static let transferClients: NameSet = [
        "ftp", "tftp", "telnet", "lftp", "rsync", "scp", "sftp", "smbclient",
    ]
    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        let p = inv.program
        // A listener bound to loopback is for this machine only (`--bind 127.0.0.1`).
        // Computed only when a listener is found (this runs for every program).
        var loopbackOnly: Bool {
            inv.args.contains {
                $0 == "127.0.0.1" || $0 == "localhost" || $0 == "::1" || $0.hasPrefix("127.0.0.1:")
                    || $0.hasSuffix("=127.0.0.1")
                    || $0.hasSuffix("=localhost")
            }
        }
        // Serving on every interface, said explicitly, is for other machines to reach.
        if inv.args.contains(where: {
            // Each of the three spellings holds the bytes 0.0.0.0: looked for first, once.
            $0.utf8.count >= 7 && $0.has("0.0.0.0")
                && ($0 == "0.0.0.0" || $0.hasPrefix("0.0.0.0:") || $0.has("=0.0.0.0"))
        })
            && (inv.has("-S") || p.eq("kubectl")
                || inv.args.contains(where: {
                    $0.hasPrefix("--address") || $0.hasPrefix("--bind") || $0.hasPrefix("--host")
                }))
        {
            a.hit(
                .networkListener, k, score: 60, reason: "\(p) serves on every network interface (0.0.0.0)")
        }
        switch Name(p) {
        case "nmap", "masscan", "zmap", "rustscan", "unicornscan", "hping3", "nikto", "sqlmap",
            "gobuster", "dirb", "wfuzz", "hydra", "medusa", "ncrack", "arp-scan", "netdiscover":
            a.hit(.scanner, k, reason: "\(p) scans or attacks hosts")
        case "tcpdump", "tshark", "dumpcap", "ettercap", "bettercap", "arpspoof", "dsniff", "wireshark", "termshark",
            "ngrep", "sngrep", "httpry", "tcpflow", "justniffer", "urlsnarf", "driftnet", "p0f", "ssldump":
            // Reading a saved capture (`tcpdump -r f.pcap`, `sngrep -I f.pcap`) with no live
            // interface is offline analysis of a file (L1), not sniffing.
            // (sngrep's -I is its input file; tcpdump's -I is monitor mode.)
            let offline =
                !inv.has("-i")
                && inv.args.contains(where: {
                    $0 == "-r" || $0.hasPrefix("--read-file")
                        || p.eq("sngrep") && $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("I")
                })
            if !offline { a.hit(.packetCapture, k, reason: "\(p) captures network traffic") }
        case "nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat":
            if inv.hasAny(["-l", "--listen"])
                || inv.args.contains(where: {
                    $0.asciiLowercased.hasPrefix("tcp-listen") || $0.asciiLowercased.hasPrefix("tcp4-listen")
                        || $0.asciiLowercased.hasPrefix("udp-listen")
                })
            {
                a.hit(
                    .networkListener, k, score: loopbackOnly ? 30 : nil, reason: "\(p) opens a listening port"
                )
            } else {
                a.hit(.networkTool, k, score: 30, reason: "\(p) opens a raw network connection")
            }
        case "python", "python3", "python2", "pypy", "pypy3":
            if let m = inv.value(of: "-m"),
                ["http.server", "SimpleHTTPServer", "smtpd", "pyftpdlib", "uploadserver"].contains(m)
            {
                a.hit(
                    .networkListener, k, score: loopbackOnly ? 30 : nil,
                    reason: "python -m \(m) serves files on a port")
            }
            // A4: `python -m pip install jq` is pip install by another name.
            if let m = inv.value(of: "-m"), m == "pip" || m == "pip3" || m == "pipx" || m == "ensurepip",
                let j = inv.args.firstIndex(of: m),
                inv.args[(j + 1)...].contains(where: { ["install", "uninstall"].contains($0) })
                    || m == "ensurepip"
            {
                a.hit(.softwareChange, k, reason: "python -m \(m) installs or removes packages")
            }
            if let m = inv.value(of: "-m"), m == "pip" || m == "pip3", inv.args.contains("download") {
                a.hit(.egress, k, reason: "python -m \(m) download fetches packages from the network")
            }
        case "php":
            if inv.has("-S") {
                a.hit(
                    .networkListener, k, score: loopbackOnly ? 30 : nil,
                    reason: "php -S serves files on a port")
            }
        case "ruby":
            if inv.args.contains("-run") || inv.args.contains("httpd") {
                a.hit(
                    .networkListener, k, score: loopbackOnly ? 30 : nil, reason: "ruby serves files on a port"
                )
            }
        case "busybox":
            break
        case "httpd":
            if inv.wrappers.contains("busybox") {
                a.hit(
                    .networkListener, k, score: loopbackOnly ? 30 : nil,
                    reason: "busybox httpd serves files on a port")
            }
        case "kubectl":
            if inv.subcommand == "proxy"
                && inv.args.contains(where: { $0.has("0.0.0.0") || $0.hasPrefix("--www") })
            {
                a.hit(
                    .networkListener, k, score: loopbackOnly ? 30 : nil,
                    reason: "kubectl proxy exposes the cluster API")
            }
        case "ssh":
            if inv.hasAny(["-R", "-D"])
                || inv.args.contains(where: { $0.hasPrefix("-R") || $0.hasPrefix("-D") })
            {
                a.hit(
                    .networkListener, k, score: loopbackOnly ? 30 : nil,
                    reason: "ssh opens a tunnel (remote or dynamic forwarding)")
            } else {
                a.hit(.networkTool, k, score: 20, reason: "ssh connects to another host")
            }
        case _
        where Programs.downloaders.contains(p)
            || transferClients.contains(p):
            a.hit(.networkTool, k, reason: "\(p) uses the network")
        default:
            break
        }
    }
}
