// Variables that hold a program: looked up (`GPG=$(command -v gpg)`) or named for one
// (`$PYTHON`). Judging them as that program keeps what runs visible (issue 12).

/// `$(which python || which python3)`, `` `which gpg` ``, `$(command -v openssl)`: the value is
/// the path of the program named, so `$NAME` later runs that program (scripts look tools up this
/// way; leaving the name computed would hide what runs). Nil for any other substitution.
func lookedUpProgram(_ raw: String) -> String? {
    guard raw.utf8.count < 200 else { return nil }
    var inner = Substring(raw)
    if inner.hasPrefix("$(") && inner.hasSuffix(")") {
        inner = inner.dropFirst(2).dropLast()
    } else if inner.hasPrefix("`") && inner.hasSuffix("`") && inner.utf8.count > 1 {
        inner = inner.dropFirst().dropLast()
    } else {
        return nil
    }
    let t = inner.split(whereSeparator: { $0 == " " || $0 == "\t" })
    let name: Substring?
    if t.first == "which" || t.first == "whereis" {
        name = t.dropFirst().first { !$0.hasPrefix("-") }
    } else if t.first == "command" || t.first == "type" {
        name = t.count > 2 && (t[1] == "-v" || t[1] == "-p" || t[1] == "-P") ? t[2] : nil
    } else {
        name = nil
    }
    guard let name, !name.isEmpty,
        name.utf8.allSatisfy({ c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2E
                || c == 0x5F || c == 0x2D || c == 0x2B
        })
    else { return nil }
    return String(name)
}

/// `$PYTHON`, `$which_gpg`, `${OPENSSL_BIN}`: a variable the script did not assign, named for
/// the program it holds. Its typical reading is that program (gate-classes.md: placeholders take
/// their typical reading), so it is judged as one; `$CMD`, `$PROG` and names of no known
/// program stay computed.
func programNamedBy(variable written: String) -> String? {
    var n = Substring(written)
    guard n.hasPrefix("$") else { return nil }
    n = n.dropFirst()
    if n.hasPrefix("{") && n.hasSuffix("}") { n = n.dropFirst().dropLast() }
    guard n.utf8.count >= 2, n.utf8.count <= 40,
        n.utf8.allSatisfy({ c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
        })
    else { return nil }
    var name = n.lowercased()
    for prefix in ["which_", "path_to_", "path_"] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
    for suffix in ["_bin", "_cmd", "_path", "_exe", "_binary", "_prog"] where name.hasSuffix(suffix) {
        name.removeLast(suffix.count)
    }
    guard name.utf8.count >= 2,
        !["cmd", "command", "prog", "program", "bin", "exe", "shell", "x", "run"].contains(name)
    else { return nil }
    return KnownPrograms.contains(name) || !ProgramKind.of(name).isEmpty ? name : nil
}
