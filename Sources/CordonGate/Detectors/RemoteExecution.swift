// Remote code execution: `curl | sh`, `bash <(curl)`, `sh -c "$(curl)"`, download + chmod +
// run; and files saved over plain http.

enum RemoteExecution {
    static let decoders: NameSet = [
        "base64", "base32", "basenc", "xxd", "rev", "openssl", "uudecode", "gzip", "gunzip",
        "zcat", "bzcat", "xzcat", "tr", "printf", "echo", "perl", "python", "python3",
    ]

    static func isDownloader(_ inv: Invocation) -> Bool {
        if inv.kind.contains(.downloader) { return true }
        if inv.program.eq("nc") || inv.program.eq("ncat") || inv.program.eq("telnet") { return true }
        return false
    }

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        if isDownloader(inv) {
            if let url = inv.args.first(where: isPlainURL), savesToFile(a, k, inv) {
                a.hit(.insecureDownload, k, reason: "saves \(url) to a file over an unencrypted connection")
            }
            if let s = a.firstDownstream(of: k, .runsStdinScript) {
                let target = a.invocations[s]
                a.hit(
                    .pipeToInterpreter, k, evidence: a.evidence(k) + " | " + a.evidence(s),
                    reason:
                        "remote code execution: \(inv.program) output is run by \(target.elevated ? "sudo " : "")\(target.program)"
                )
            }
        }
        // An interpreter or `source` reading a process substitution or `$(...)` that downloads.
        if inv.kind.contains(.interpreter) || inv.program.eq("source") || inv.program.eq(".")
            || inv.program.eq("eval")
        {
            for w in inv.argWords where !w.substitutions.isEmpty {
                let inner = a.invocationsIn(word: w)
                if inner.contains(where: { isDownloader(a.invocations[$0]) }) {
                    let signal: Signal =
                        w.isProcessSubstitution ? .processSubstitutionDownload : .evalDownload
                    a.hit(
                        signal, k,
                        reason:
                            "remote code execution: \(inv.program) runs what \(w.isProcessSubstitution ? "<(...)" : "$(...)") downloads"
                    )
                    break
                }
            }
        }
    }

    /// `http://host/...` or `ftp://...`, not to this machine.
    static func isPlainURL(_ s: String) -> Bool {
        guard s.hasPrefix("http://") || s.hasPrefix("ftp://") else { return false }
        let rest = s.hasPrefix("http://") ? s.dropFirst(7) : s.dropFirst(6)
        return !(rest.hasPrefix("localhost") || rest.hasPrefix("127.") || rest.hasPrefix("[::1]"))
    }

    /// Whether a download is written to disk rather than to standard output.
    static func savesToFile(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) -> Bool {
        if a.outputTargets(k).contains(where: { !$0.hasPrefix("/dev/") }) { return true }
        switch Name(inv.program) {
        case "curl", "curlie":
            return inv.hasAny(["-o", "--output", "-O", "--remote-name", "--remote-name-all", "-J"])
        case "wget", "wget2": return inv.value(of: "-O", "--output-document").map { $0 != "-" } ?? true
        case "aria2c", "lwp-download", "axel", "fetch": return true
        default: return inv.hasAny(["--download", "-d", "-o", "--output"])
        }
    }

    static func checkScript(_ a: Analysis) {
        // Download to a file, then make it executable or run it.
        var downloaded: [String: Int] = [:]
        for (k, inv) in a.invocations.enumerated() {
            if isDownloader(inv) {
                for name in outputNames(inv) { downloaded[name] = k }
                for t in a.outputTargets(k) { downloaded[t.basename] = k }
                continue
            }
            guard !downloaded.isEmpty else { continue }
            var ran: String?
            if inv.program.eq("chmod"),
                inv.args.contains(where: {
                    $0.has("x") || $0 == "755" || $0 == "777" || $0 == "700" || $0 == "775"
                })
            {
                ran = inv.positionals.dropFirst().first { downloaded[$0.basename] != nil }
            } else if inv.pathClass == .relative || inv.pathClass == .absolute,
                downloaded[inv.program] != nil
            {
                ran = inv.program
            } else if inv.kind.contains(.interpreter), let f = inv.positionals.first,
                downloaded[f.basename] != nil
            {
                ran = f
            }
            if let ran, let d = downloaded[ran.basename] {
                a.hit(
                    .downloadThenExecute, k, evidence: a.evidence(d) + " ... " + a.evidence(k),
                    reason: "remote code execution: \(ran.basename) is downloaded and then executed")
                break
            }
        }
    }

    /// File names a download writes: `-o F`, `-O F` (wget), `--output F`, or the URL's last
    /// path segment for `curl -O URL` and plain `wget URL`.
    static func outputNames(_ inv: Invocation) -> [String] {
        var out: [String] = []
        if let o = inv.value(of: "-o", "--output", "--output-document") { out.append(o.basename) }
        if inv.program.hasPrefix("wget"), let o = inv.value(of: "-O") { out.append(o.basename) }
        let remoteName =
            inv.program.eq("curl")
            ? inv.hasAny(["-O", "--remote-name"])
            : inv.program.hasPrefix("wget") || inv.program.eq("aria2c")
        if remoteName {
            for u in inv.args
            where u.hasPrefix("http://") || u.hasPrefix("https://") || u.hasPrefix("ftp://") {
                let path = u.split(separator: "?").first.map(String.init) ?? u
                out.append(path.basename)
            }
        }
        return out
    }
}
