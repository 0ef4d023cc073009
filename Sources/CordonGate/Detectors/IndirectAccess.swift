// Indirect file access: a file read or written through a program that hands it back
// unchanged. `base32 F | base32 -d` is `cat F`; `comm F /dev/null` is `cat F`; `openssl enc
// -out F` with no cipher is `cat > F`. Nobody spells a plain read or copy this way for its
// own sake: it is how a file is reached through a program that a command allowlist, a sudo
// rule, a setuid bit or a capability lets through when `cat` and `cp` are not (GTFOBins
// lists each of these under file-read, file-write, sudo and suid). The file is what matters,
// so each rule requires the program itself to open it (an operand or `-in`/`-out`), not the
// shell (`base64 < F` is the user's own read).

enum IndirectAccess {
    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        switch Name(inv.program) {
        case "base64", "base32", "basenc", "uuencode", "xxd", "ascii85", "base58", "basez", "gzip",
            "bzip2", "xz", "lzma", "zstd", "lz4", "lzip", "lzop", "brotli":
            roundTrip(a, k)
        case "openssl":
            if inv.subcommand == "enc" && isIdentityEnc(inv) {
                let what =
                    switch (inv.value(of: "-in"), inv.value(of: "-out")) {
                    case (let i?, let o?): "copies \(i) to \(o)"
                    case (let i?, nil): "prints \(i)"
                    case (nil, let o?): "writes standard input to \(o)"
                    case (nil, nil): "copies"
                    }
                a.hit(
                    .indirectFileAccess, k,
                    reason: "openssl enc with no cipher \(what) unchanged: cat or cp done through openssl")
            } else {
                roundTrip(a, k)
            }
        case "comm", "join", "diff":
            emptyCompare(a, k)
        default:
            return
        }
    }

    // MARK: encoder piped into its own decoder

    /// `base32 F | base32 -d`, `xxd F | xxd -r`, `gzip -c F | gzip -d`, `uuencode F /dev/stdout
    /// | uudecode`, and the write form `echo DATA | xxd | xxd -r - F`. Checked from the encoder:
    /// the next stage of its pipeline must decode the same format from standard input.
    static func roundTrip(_ a: Analysis, _ k: Int) {
        let enc = a.invocations[k]
        guard let (format, decodes) = codec(enc), !decodes else { return }
        guard
            let d = a.next(after: k),
            let (dFormat, dDecodes) = codec(a.invocations[d]), dDecodes, dFormat == format
        else { return }
        let dec = a.invocations[d]
        let inOperands = operands(enc)
        let decOperands = operands(dec)
        // The decoder must read the pipe, not a file of its own (`base64 -d other.b64`).
        guard decOperands.first.map({ $0 == "-" }) ?? true else { return }
        // Piped on into a compare or a checksum: a round-trip test of the codec, the content
        // never comes out (`gzip -c f | gzip -d | cmp - f`).
        if let after = a.next(after: d),
            verifiers.contains(a.invocations[after].program)
        {
            return
        }
        let evidence = a.evidence(k) + " | " + a.evidence(d)
        if let read = readOperand(enc, inOperands), opensFile(read) {
            a.hit(
                .indirectFileAccess, k, evidence: evidence,
                reason:
                    "\(enc.program) encodes \(read) and \(dec.program) decodes it straight back: cat \(read) done through \(enc.program)"
            )
        } else if let written = writtenOperand(dec, decOperands, encoder: enc, encOperands: inOperands),
            opensFile(written)
        {
            a.hit(
                .indirectFileAccess, d, evidence: evidence,
                reason:
                    "\(dec.program) decodes what \(enc.program) encoded straight into \(written): a plain write of the file done through \(dec.program)"
            )
        }
    }

    /// The format a program encodes or decodes, and whether this invocation decodes.
    static func codec(_ inv: Invocation) -> (String, Bool)? {
        let decode = inv.hasAny(["-d", "--decode", "--decompress", "--uncompress"])
        switch Name(inv.program) {
        // `-D` is the BSD/macOS spelling of `base64 --decode`.
        case "base64": return ("base64", decode || inv.has("-D"))
        case "base32", "ascii85", "base58", "basez": return (inv.program, decode)
        case "basenc":
            // `basenc --base64` speaks base64: it pairs with `base64 -d` too.
            guard
                let e = inv.args.first(where: {
                    [
                        "--base64", "--base64url", "--base32", "--base32hex", "--base16", "--base2msbf",
                        "--base2lsbf", "--z85",
                    ].contains($0)
                })
            else { return nil }
            return (String(e.dropFirst(2)), decode)
        case "uuencode": return ("uu", false)
        case "uudecode": return ("uu", true)
        case "xxd": return ("xxd", inv.has("-r"))
        case "gzip", "bzip2", "xz", "lzma", "zstd", "lz4", "lzip", "lzop", "brotli":
            return (inv.program, decode)
        case "gunzip", "zcat": return ("gzip", true)
        case "bunzip2", "bzcat": return ("bzip2", true)
        case "unxz", "xzcat": return ("xz", true)
        case "unlzma", "lzcat": return ("lzma", true)
        case "unzstd", "zstdcat": return ("zstd", true)
        case "unlz4", "lz4cat": return ("lz4", true)
        case "openssl":
            // `openssl base64 [-d]`, `openssl enc -a|-base64 [-d]` with no cipher.
            if inv.subcommand == "base64" { return ("base64", inv.has("-d")) }
            if inv.subcommand == "enc" && inv.hasAny(["-a", "-base64"])
                && inv.args.allSatisfy({ !$0.hasPrefix("-") || base64EncOptions.contains($0) })
            {
                return ("base64", inv.has("-d"))
            }
            return nil
        default: return nil
        }
    }

    /// The file the encoder opens itself. Compressors write a compressed copy in place unless
    /// told to write to standard output, so only `-c`/`--stdout` feeds the pipe.
    static func readOperand(_ inv: Invocation, _ ops: [String]) -> String? {
        switch Name(inv.program) {
        case "openssl": return inv.value(of: "-in")
        // `uuencode [FILE] NAME`: with one operand it encodes standard input.
        case "uuencode": return ops.count >= 2 ? ops[0] : nil
        case "gzip", "bzip2", "xz", "lzma", "zstd", "lz4", "lzip", "lzop", "brotli":
            // `-c` alone or in a bundle with a level (`-9c`).
            guard
                inv.args.contains(where: {
                    $0 == "--stdout" || $0 == "--to-stdout"
                        || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("c"))
                })
            else { return nil }
            return ops.first { $0 != "-" }
        default: return ops.first { $0 != "-" }
        }
    }

    /// The file the decoder opens itself: `xxd -r - F`, `uudecode -o F`, `zstd -d -o F`; and
    /// for uudecode with no `-o`, the name in the header, which `uuencode FILE NAME` chose.
    static func writtenOperand(
        _ dec: Invocation, _ ops: [String], encoder: Invocation, encOperands: [String]
    ) -> String? {
        switch Name(dec.program) {
        case "xxd": return ops.count >= 2 ? ops[1] : nil
        case "uudecode":
            return dec.value(of: "-o", "--output-file") ?? (encOperands.isEmpty ? nil : encOperands.last)
        case "zstd", "unzstd", "lz4", "unlz4", "brotli": return dec.value(of: "-o")
        case "openssl": return dec.value(of: "-out")
        default: return nil
        }
    }

    /// Operands, with the values of options that take one skipped (`base64 -w 0 F`, `xxd -c 16 F`).
    static func operands(_ inv: Invocation) -> [String] {
        let withValue: Set<String>
        switch Name(inv.program) {
        case "base64", "base32", "basenc", "ascii85", "base58", "basez": withValue = ["-w"]
        case "xxd": withValue = ["-c", "-g", "-l", "-s", "-o", "-n", "-cols", "-len", "-seek"]
        case "uudecode": withValue = ["-o"]
        case "zstd", "unzstd", "lz4", "unlz4", "brotli": withValue = ["-o", "-D", "-T"]
        case "gzip", "bzip2", "xz", "lzma", "lzip", "lzop": withValue = ["-S", "--suffix", "-T"]
        case "join": withValue = ["-a", "-e", "-o", "-t", "-v", "-1", "-2", "-j"]
        case "diff": withValue = ["-I", "-x", "-X", "-L", "-F", "-C", "-U", "-D", "-S"]
        case "openssl": return []
        default: withValue = []
        }
        var out: [String] = []
        var j = 0
        let a = inv.args
        while j < a.count {
            let x = a[j]
            if x == "--" {
                out += a[(j + 1)...]
                break
            }
            if x.hasPrefix("-") && x.utf8.count > 1 {
                j += withValue.contains(x) ? 2 : 1
            } else {
                out.append(x)
                j += 1
            }
        }
        return out
    }

    /// A file the program opens: not a terminal or standard stream, not `<(cmd)` (the shell
    /// runs cmd, which is checked on its own; comm only reads a pipe).
    static func opensFile(_ s: String) -> Bool {
        !quietDevices.contains(s) && !s.hasPrefix("<(") && !s.hasPrefix(">(")
    }

    /// Programs that only compare or summarise what they read.
    static let verifiers: NameSet = [
        "cmp", "diff", "wc", "md5sum", "sha1sum", "sha256sum", "sha512sum", "b2sum", "cksum", "sum",
    ]

    // MARK: openssl enc with no cipher

    /// `openssl enc` options that are not a cipher or an encoding; `-none` is the null cipher.
    static let encOptions: NameSet = [
        "-in", "-out", "-pass", "-e", "-d", "-p", "-P", "-v", "-nopad", "-salt", "-nosalt", "-iter",
        "-pbkdf2", "-md", "-k", "-kfile", "-K", "-iv", "-S", "-bufsize", "-none", "-debug", "-rand",
        "-writerand", "-provider", "-provider-path", "-propquery", "-engine", "-saltlen",
    ]
    static let base64EncOptions = encOptions.union(["-a", "-base64", "-A"])

    /// `openssl enc -in F` / `-out F` with no cipher and no encoding: the bytes pass through
    /// unchanged (GTFOBins openssl file-read, file-write, suid).
    static func isIdentityEnc(_ inv: Invocation) -> Bool {
        guard
            inv.value(of: "-in").map({ !quietDevices.contains($0) }) == true
                || inv.value(of: "-out").map({ !quietDevices.contains($0) }) == true
        else { return false }
        // Every option is one of the harmless ones (a cipher is `-aes-256-cbc`, an encoding `-a`).
        return inv.args.allSatisfy { !$0.hasPrefix("-") || encOptions.contains($0) }
    }

    // MARK: a file compared with an empty one

    /// Compared with an empty file, every line of the other one comes out as is: `comm F
    /// /dev/null`, `join -a 2 /dev/null F`, `diff --line-format=%L /dev/null F`. A plain
    /// `diff -u /dev/null F` stays allowed: it is how a patch that creates F is written, and its
    /// `+` markers make it a patch, not a copy.
    static func emptyCompare(_ a: Analysis, _ k: Int) {
        let inv = a.invocations[k]
        let pos = operands(inv)
        guard pos.count >= 2, let empty = pos.firstIndex(of: "/dev/null") else { return }
        switch Name(inv.program) {
        case "comm": break
        case "join":
            // `-a N` adds, `-v N` prints only, the unpaired lines of file N; paired with an empty
            // file, every line of F is unpaired. So N must name F's side (`join -a 2 /dev/null F`).
            guard let side = inv.value(of: "-a") ?? inv.value(of: "-v"),
                side == (empty == 0 ? "2" : "1")
            else { return }
        case "diff":
            // `--line-format=%L`, `--new-group-format=...`: lines printed bare, no diff markers.
            guard inv.args.contains(where: { $0.hasPrefix("--") && $0.has("-format") }) else { return }
        default: return
        }
        // The other operand: the file (`-` is standard input, read by the shell's pipe).
        guard
            let file = pos.enumerated().first(where: {
                $0.offset != empty && opensFile($0.element)
            })?.element
        else { return }
        a.hit(
            .indirectFileAccess, k,
            reason:
                "\(inv.program) compares \(file) with an empty file, so it prints \(file) unchanged: cat done through \(inv.program)"
        )
    }
}
