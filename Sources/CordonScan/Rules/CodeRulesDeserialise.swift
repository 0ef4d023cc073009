// Unsafe deserialisation: pickle and its kin, yaml without a safe loader, torch/numpy/keras
// loads that unpickle or run code, shelve; judged by where the data or file comes from.

extension CodeRules {
    mutating func deserialisation(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        let callee = c.callee
        if ["pickle.dump", "dill.dump", "cloudpickle.dump"].contains(callee), let f = c.arg(1, "file"),
            f.count == 1, let own = ownFiles[code.tokens[f.lowerBound].text]
        {
            pickledOwnFiles.insert(own)
            return
        }
        let isUnserialize = callee == "node-serialize.unserialize"
        guard c.known && APIs.matches(callee, APIs.deserialise) || isUnserialize else { return }
        let data = c.arg(0)
        let o = data.map { code.origin($0, scope) } ?? .unknown
        // An object reading back the file it pickles into itself (`pickle.dump(data, f)` and
        // `pickle.load(f)` on `self.file_path`): its own storage, written by this code, not
        // input from outside.
        var ownLoad: String?
        if o != .untrusted, let d = data, d.count == 1, let own = ownFiles[code.tokens[d.lowerBound].text] {
            if pickledOwnFiles.contains(own) { return }
            ownLoad = own
        }
        var severity: Severity?
        var why = ""
        switch callee {
        case "yaml.load", "yaml.load_all":
            let loader = c.arg(1, "Loader")
            if let l = loader, code.names(l).contains(where: { APIs.safeYAMLLoaders.contains($0) }) { return }
            severity = o == .constant ? .medium : .high
            why = "yaml.load without a safe Loader constructs arbitrary Python objects"
        case "yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load":
            severity = o == .constant ? .medium : .high
            why = "\(written(c)) constructs arbitrary Python objects"
        case "torch.load":
            if let w = c.keyword("weights_only"), code.isTrue(w, scope) { return }
            guard o != .constant else { return }
            severity = .high
            why = "torch.load without weights_only=True unpickles \(Self.describe(o))"
        case "numpy.load":
            guard let a = c.keyword("allow_pickle"), code.isTrue(a, scope), o != .constant else { return }
            severity = .high
            why = "numpy.load(allow_pickle=True) unpickles \(Self.describe(o))"
        case "keras.models.load_model", "tensorflow.keras.models.load_model":
            guard let s = c.keyword("safe_mode"), code.isFalse(s) else { return }
            severity = .high
            why = "load_model(safe_mode=False) runs Lambda-layer code from the file"
        case "shelve.open":
            guard o != .constant else { return }
            severity = o == .untrusted ? .high : .medium
            why = "shelve.open unpickles whatever the file at \(Self.describe(o)) holds"
        default:
            guard o != .constant else { return }
            severity = o == .untrusted ? .critical : .high
            why = "\(written(c)) runs code embedded in \(Self.describe(o))"
        }
        if let s = severity {
            add(RuleID.unsafeDeserialization, s, at, why + (data.map { ": " + text(code, $0) } ?? ""), length: len)
            if let own = ownLoad { ownFileLoads.append((at.line, own)) }
        }
    }
}

extension CodeRules {
    /// At the file's end (issue 16, session 13, second round): a load of an own file that a
    /// method further down pickles into (strands' `ReplState.load_state` reads `self.state_file`,
    /// `save_state` below dumps into it) is the object's own storage too.
    /// Only for a file whose path the code fixes (`os.path.join(Path.cwd(), "repl_state",
    /// "repl_state.pkl")`): one built from a parameter or a setting (autogen's MemoStore under
    /// `path_to_db_dir`) may name a file someone else wrote, and a load met first stays reported.
    mutating func settleOwnFileLoads(_ code: Code) {
        defer { ownFileLoads = [] }
        let own = Set(
            ownFileLoads.filter {
                pickledOwnFiles.contains($0.own) && fixedAttribute(String($0.own.dropFirst(5)), code, depth: 0)
            }.map(\.line))
        guard !own.isEmpty else { return }
        findings.removeAll { $0.rule == RuleID.unsafeDeserialization && own.contains($0.line) }
    }
}

extension CodeRules {
    /// Names a path fixed by the code may be built from: the path functions, the working
    /// directory, the module's own location.
    static let fixedPathNames: Set<String> = [
        "os", "path", "join", "Path", "cwd", "getcwd", "dirname", "abspath", "expanduser", "__file__", "pathlib",
        "str", "home",
    ]

    /// Every `self.NAME = ...` of the file assigns a path built only from constants, the names
    /// above and other such attributes.
    func fixedAttribute(_ name: String, _ code: Code, depth: Int) -> Bool {
        guard depth < 4 else { return false }
        let toks = code.tokens
        var seen = false
        var i = 0
        while i + 3 < toks.count {
            defer { i += 1 }
            guard toks[i].isName("self"), toks[i + 1].isOp("."), toks[i + 2].kind == .name, toks[i + 2].text == name,
                toks[i + 3].isOp("=")
            else { continue }
            seen = true
            var j = i + 4
            while j < toks.count && toks[j].kind != .newline {
                let t = toks[j]
                if t.kind == .string && t.formatted { return false }
                if t.kind == .name {
                    if t.isName("self"), j + 2 < toks.count, toks[j + 1].isOp("."), toks[j + 2].kind == .name {
                        if !fixedAttribute(toks[j + 2].text, code, depth: depth + 1) { return false }
                        j += 3
                        continue
                    }
                    if !Self.fixedPathNames.contains(t.text) { return false }
                }
                j += 1
            }
        }
        return seen
    }
}
