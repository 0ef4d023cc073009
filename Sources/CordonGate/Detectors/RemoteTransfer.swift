// Transfers with another host that do not look like `scp a host:b`: a file fetched by naming
// it (`sftp host:f`), transfer commands fed to an ftp session on standard input, and ssh
// output saved to a file. Exfiltration raises `remoteCopy` for them; this file says how
// each one is recognised.

extension Exfiltration {
    /// sftp/ftp options that take a value: the first word after them is the destination.
    static let sftpOptionsWithValue: NameSet = [
        "-B", "-b", "-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-R", "-S", "-X",
    ]
    static let ftpOptionsWithValue: NameSet = ["-o", "-P", "-r", "-s", "-T", "-u"]

    /// `sftp host:file`, `ftp ftp://host/dir/file`: a remote path naming a file is fetched at
    /// once, with no session (`sftp host:dir/` opens one in that directory).
    static func fetchesAtOnce(_ inv: borrowing Invocation) -> Bool {
        guard inv.program == "sftp" || inv.program == "ftp" else { return false }
        let q = skipOptions(
            inv.args, from: 0,
            withValue: inv.program == "sftp" ? sftpOptionsWithValue : ftpOptionsWithValue)
        return q < inv.args.count && namesRemoteFile(inv.args[q])
    }

    /// `host:file`, `user@host:dir/file`, `ftp://host/dir/file`: a remote path naming a file
    /// (not `host:`, `host:dir/`, `ftp://host`).
    static func namesRemoteFile(_ s: String) -> Bool {
        guard isRemote(s), !s.hasSuffix("/"), !s.hasSuffix(":") else { return false }
        guard let scheme = s.byteRange(of: "://") else { return true }
        return s.byteRange(of: "/", from: scheme.upperBound) != nil
    }

    /// Commands of ftp, sftp, tftp and lftp sessions that move a file.
    static let sendVerbs: NameSet = ["put", "mput", "reput", "append", "send"]
    static let fetchVerbs: NameSet = ["get", "mget", "reget", "recv"]

    /// A transfer command fed to a session on standard input: a here-document, a here-string,
    /// or `echo`/`printf` piped in. An agent cannot type into a session; this is how it drives
    /// one (`ftp -n host <<EOF` ... `put f` ... `EOF`), so the session is no longer unseen.
    static func fedTransfer(_ a: Analysis, _ k: Int) -> String? {
        let c = a[commandOf: k]
        var texts = c.redirects.compactMap(\.hereText)
        if c.position > 0, let prev = a.previous(before: k),
            a.invocations[prev].program == "echo" || a.invocations[prev].program == "printf"
        {
            // `printf 'get f\nquit\n'`, `echo -e ...`: the escapes are lines too.
            texts.append(a.invocations[prev].args.joined(separator: " ").replacingAll("\\n", with: "\n"))
        }
        for text in texts {
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                if let verb = words.first.map(String.init),
                    sendVerbs.contains(verb) || fetchVerbs.contains(verb), words.count > 1
                {
                    return words.joined(separator: " ")
                }
            }
        }
        return nil
    }

    static func direction(_ line: String) -> String {
        let verb = String(line.prefix { $0 != " " })
        return sendVerbs.contains(verb)
            ? "a file sent to another host" : "a file fetched from another host"
    }

    /// Where a program's standard output is saved: `> F`, `>> F`, `&> F`, or a `tee F` right
    /// after it in the pipeline. Not `2> F` (error messages) and not /dev/null.
    static func savedOutput(_ a: Analysis, _ k: Int) -> String? {
        if let r = a[commandOf: k].redirects.first(where: {
            ($0.op == ">" || $0.op == ">>" || $0.op == ">|" || $0.op == "&>" || $0.op == "&>>")
                && ($0.fd == nil || $0.fd == 1) && !quietDevices.contains($0.target.value)
        }) {
            return r.target.value
        }
        if let next = a.next(after: k),
            a.invocations[next].program == "tee"
        {
            return a.invocations[next].positionals.first { !quietDevices.contains($0) }
        }
        return nil
    }
}
