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
        if o != .untrusted, let d = data, d.count == 1, let own = ownFiles[code.tokens[d.lowerBound].text],
            pickledOwnFiles.contains(own)
        {
            return
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
        }
    }
}
