// The statement pass: settings written as keyword arguments, dict keys or module constants
// (`allow_dangerous_code=True`, `verify=False`), opt-in guards, SQL and URLs assigned to names,
// pathlib `/` joins, and system messages built from untrusted text.

extension CodeRules {
    static let settings = WordSet([
        "allow_dangerous_code",
        "allowDangerousCode",
        "allow_dangerous_requests",
        "allowDangerousRequests",
        "allow_dangerous_deserialization",
        "trust_remote_code",
        "trustRemoteCode",
        "use_docker",
        "unsafe_mode",
        "auto_run",
        "rejectUnauthorized",
        "strictSSL",
        "check_hostname",
        "verifySsl",
        "known_hosts",
        "maxSteps",
        "maxIterations",
        "maxTurns",
        "recursionLimit",
        "role",
    ])
    /// Names of an operator's switch that turns database writes on.
    static let writeSwitches: Set<String> = [
        "allow_write", "allow_writes", "enable_write", "enable_writes", "write_enabled", "writes_enabled",
        "allow_write_operations",
    ]
    static let tlsVariables = WordSet(["NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY"])
    /// Keys of `CERT_NONE` (long: its first 7 bytes; the token is checked in full after) and
    /// `system`.
    static let certNone = Token.pack("CERT_NONE")
    static let system = Token.pack("system")

    // MARK: statements

    mutating func statement(_ r: Range<Int>, _ scope: Scope, _ code: Code) {
        let toks = code.tokens
        let id = ObjectIdentifier(scope)
        if language == .python {
            noteInterpreter(r, code)
            noteFileHandle(r, code)
        }
        // `if not allow_dangerous_deserialization: raise ...`, `if not kwargs.get("allow_dangerous_code")`.
        if toks[r.lowerBound].isName("if"), r.count >= 3, toks[r.lowerBound + 1].isName("not") {
            for j in (r.lowerBound + 2)..<r.upperBound
            where (toks[j].kind == .name || toks[j].kind == .string) && toks[j].text.hasPrefix("allow_dangerous") {
                scope.optInGuard = true
                // In a constructor or validator the object cannot exist without the opt-in:
                // every method of the file's classes runs opted in.
                if ["__init__", "__post_init__", "model_post_init", "post_init"].contains(scope.name)
                    || scope.name.lowercased().contains("validat")
                {
                    constructorOptIn = true
                }
                break
            }
        }
        // `if not settings.allow_write: raise ...` (issue 16, session 15b: mcp-postgres-server's
        // execute tool): a database write tool that runs only when the operator set a write
        // switch is the documented opt-in, as `allow_dangerous_code` is for code. A switch that
        // turns writes off (`if read_only: raise`) is not this: its default lets writes through.
        if language == .python, toks[r.lowerBound].isName("if"), r.count >= 3, toks[r.lowerBound + 1].isName("not") {
            var j = r.lowerBound + 2
            while j < r.upperBound && !toks[j].isOp(":") {
                if toks[j].kind == .name, Self.writeSwitches.contains(toks[j].text.lowercased()) {
                    scope.writeOptIn = true
                    break
                }
                j += 1
            }
        }
        // Assignments that later rules need: SQL built by formatting, sandboxed template
        // environments, system prompts built from untrusted text.
        if r.count >= 3, toks[r.lowerBound].kind == .name,
            toks[r.lowerBound + 1].isOp("=") || toks[r.lowerBound + 1].isOp("+=")
        {
            let name = toks[r.lowerBound].text
            let value = (r.lowerBound + 2)..<r.upperBound
            if code.isBuilt(value) && containsSQL(value, code) {
                let o = code.origin(value, scope)
                if !o.isSafe {
                    let before = sqlVars[id]?[name]
                    sqlVars[id, default: [:]][name] = (
                        max(o, before?.origin ?? .constant), before?.at ?? toks[r.lowerBound]
                    )
                }
            } else if toks[r.lowerBound + 1].isOp("=") {
                sqlVars[id]?[name] = nil
            }
            if value.contains(where: { toks[$0].kind == .name && toks[$0].text.hasSuffix("SandboxedEnvironment") }) {
                sandboxedTemplates.insert(name)
            }
            if facts[id]?.joins.last.map({ $0.0.line >= toks[r.lowerBound].line }) == true {
                joinedNames[id, default: []].insert(name)
            } else if joinedNames[id]?.contains(name) == true {
                joinedNames[id]?.remove(name)
            }
            // `url = BASE + path`, or a literal with its host (`"https://wttr.in/%s" % city`).
            if Self.hostPrefix(value, scope, code) || fixedHost(value, code) {
                configuredURLs[id, default: []].insert(name)
            } else if configuredURLs[id]?.contains(name) == true {
                configuredURLs[id]?.remove(name)
            }
            if name.hasIgnoringCase("system"), code.isBuilt(value), code.origin(value, scope) == .untrusted {
                add(
                    RuleID.systemPromptInjection, nil, toks[r.lowerBound],
                    "\(name) is built from model output or outside input: \(text(code, value))")
            }
        }
        // `self._env = ImmutableSandboxedEnvironment(...)`: the attribute holds a sandbox.
        if r.count >= 5, toks[r.lowerBound].isName("self"), toks[r.lowerBound + 1].isOp("."),
            toks[r.lowerBound + 2].kind == .name, toks[r.lowerBound + 3].isOp("="),
            toks[r.lowerBound + 4].kind == .name, toks[r.lowerBound + 4].text.hasSuffix("SandboxedEnvironment")
        {
            sandboxedTemplates.insert(toks[r.lowerBound + 2].text)
        }
        var i = r.lowerBound
        // Read once: a static's accessor per token costs more than the checks themselves.
        let settings = Self.settings
        let tlsVariables = Self.tlsVariables
        while i < r.upperBound {
            // Most tokens are none of what this pass looks at: decide from the kind and the
            // packed key before copying the token.
            let kind = toks[i].kind
            let key = toks[i].key
            // `dir + name`: a join by concatenation (see below), decided here so the many `+`
            // of ordinary code skip the rest of the pass.
            if kind == .op && key == Op.plus {
                if language == .python, i > r.lowerBound, i + 1 < r.upperBound {
                    concatenatedJoin(at: i, r, scope, code)
                }
                i += 1
                continue
            }
            let wanted =
                kind == .op
                ? language == .python && key == Op.slash
                : (kind == .name || kind == .string)
                    && (settings.contains(key: key) { toks[i].text } || tlsVariables.contains(key: key) { toks[i].text }
                        || key == Self.certNone || (kind == .string && key == Self.system))
            guard wanted else {
                i += 1
                continue
            }
            let t = toks[i]
            let next = i + 1 < r.upperBound ? toks[i + 1] : nil
            // A keyword argument, a dict key or a module-level setting; a local variable a
            // function computes (`use_docker = False` in the branch that parses an environment
            // variable) configures nothing by itself.
            let local = i == r.lowerBound && scope.parent != nil
            let isKey =
                (t.kind == .name || t.kind == .string) && next.map { $0.isOp("=") || $0.isOp(":") } == true && !local
            if isKey, i + 2 < r.upperBound, settings.contains(t) {
                let v = i + 2
                let value = toks[v]
                let isTrue = value.isName("True") || value.isName("true")
                let isFalse = value.isName("False") || value.isName("false")
                switch t.text {
                case "allow_dangerous_code", "allowDangerousCode":
                    if isTrue {
                        add(
                            RuleID.allowDangerousCode, nil, t,
                            "\(t.text)=True lets the agent execute model-written code on the host")
                    }
                case "allow_dangerous_requests", "allowDangerousRequests":
                    if isTrue {
                        add(RuleID.allowDangerousRequests, nil, t, "\(t.text)=True lets the model request any URL")
                    }
                case "allow_dangerous_deserialization":
                    if isTrue {
                        add(
                            RuleID.unsafeDeserialization, .high, t,
                            "allow_dangerous_deserialization=True lets the loader unpickle the files it is given")
                    }
                case "trust_remote_code", "trustRemoteCode":
                    if isTrue {
                        add(RuleID.trustRemoteCode, nil, t, "trust_remote_code=True runs Python shipped with the model")
                    }
                case "use_docker":
                    if isFalse {
                        add(
                            RuleID.unsandboxedInterpreter, nil, t,
                            "use_docker=False runs generated code directly on the host")
                    }
                case "unsafe_mode":
                    if isTrue {
                        add(
                            RuleID.unsandboxedInterpreter, nil, t,
                            "unsafe_mode=True runs generated code directly on the host")
                    }
                case "auto_run":
                    if isTrue {
                        add(
                            RuleID.unsandboxedInterpreter, nil, t,
                            "auto_run=True executes generated code without asking")
                    }
                case "rejectUnauthorized", "strictSSL", "check_hostname", "verifySsl":
                    if isFalse { add(RuleID.tlsDisabled, nil, t, "\(t.text): false accepts any certificate") }
                case "known_hosts" where language == .python:
                    // asyncssh's `known_hosts=None` skips the server's host-key check (issue 16,
                    // session 15): whoever answers on the address gets the password or key
                    // exchange and the commands. `None if ... else ...` chooses, not disables.
                    let after = v + 1 < r.upperBound ? toks[v + 1] : nil
                    if value.isName("None"), after == nil || after!.isOp(",") || after!.isOp("}") || after!.isOp(")") {
                        add(
                            RuleID.tlsDisabled, nil, t,
                            "known_hosts=None turns off SSH host-key verification: any host answering is trusted")
                    }
                case "maxSteps", "maxIterations", "maxTurns", "recursionLimit":
                    if value.isName("Infinity") {
                        add(RuleID.unboundedLoop, nil, t, "\(t.text): Infinity lets the agent loop without a limit")
                    }
                case "role" where value.kind == .string && value.textIs("system"):
                    systemRole(at: i, r, scope, code)
                default: break
                }
            }
            if tlsVariables.contains(t) {
                // process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0", os.environ["…"] = "0".
                var j = i + 1
                while j < r.upperBound && (toks[j].isOp("]") || toks[j].isOp(")")) { j += 1 }
                if j + 1 < r.upperBound, toks[j].isOp("=") || toks[j].isOp(","), code.isFalse(j + 1..<j + 2) {
                    add(RuleID.tlsDisabled, nil, t, "\(t.text)=0 turns off certificate checks for the whole process")
                }
            }
            if t.isName("CERT_NONE") && i > r.lowerBound && toks[i - 1].isOp(".") {
                add(RuleID.tlsDisabled, nil, t, "ssl.CERT_NONE accepts any certificate")
            }
            if language == .python, t.isOp("/"), i > r.lowerBound, next?.kind == .name {
                let left = toks[i - 1]
                let l = left.text.lowercased()
                let based = ["dir", "path", "root", "base", "folder", "workspace"].contains(where: { l.has($0) })
                if left.isOp(")") || based, code.origin((i + 1)..<(i + 2), scope) == .untrusted {
                    facts[id, default: Facts()].joins.append((left, left.text + " / " + (next?.text ?? "")))
                } else if based, i >= 3, toks[i - 2].isOp("."), toks[i - 3].isName("self"),
                    let key = next?.text, scope.params.contains(key), scope.env[key] == nil,
                    i + 2 >= r.upperBound || !toks[i + 2].isOp(".")
                {
                    // `self.path / key` in a method: a store of files under the object's base
                    // that takes names from its callers.
                    facts[id, default: Facts()].storeJoins.append((left, "self.\(left.text) / \(key)"))
                }
            }
            // A tool yielding or returning a ("system", ...) message hands back its result, an
            // observation for the model, not the conversation's system prompt (gptme's tools);
            // so does a helper the tool hands the model's arguments to (gptme's tmux helpers).
            let toolResult = scope.inTool && (toks[r.lowerBound].isName("yield") || toks[r.lowerBound].isName("return"))
            if t.kind == .string, t.textIs("system"), i > r.lowerBound, toks[i - 1].isOp("("), next?.isOp(",") == true,
                !toolResult
            {
                // ("system", f"... {x}") message tuples.
                let c = Code.close(toks, i - 1, r.upperBound)
                let v = (i + 2)..<c
                if code.isBuilt(v), code.origin(v, scope) == .untrusted {
                    add(
                        RuleID.systemPromptInjection, nil, toks[i + 2],
                        "a system message is built from model output or outside input: \(text(code, v))")
                }
            }
            i += 1
        }
    }

    /// A directory and a name put together by string concatenation (`root_dir + file_name`,
    /// `get_root_output_dir() + name`, the directory ending in its separator) is a join like
    /// `os.path.join`: the name's `../` and a leading `/` are kept (SuperAGI's `ResourceHelper`,
    /// issue 16, session 16). The left side must be named for a directory; an address
    /// (`base_url + path`) is the SSRF rule's. `i` is the `+`.
    mutating func concatenatedJoin(at i: Int, _ r: Range<Int>, _ scope: Scope, _ code: Code) {
        let toks = code.tokens
        let nx = toks[i + 1]
        guard nx.kind == .name, i + 2 >= r.upperBound || !toks[i + 2].isOp("("),
            let base = Self.directoryOperand(toks, i - 1, r.lowerBound),
            code.origin((i + 1)..<(i + 2), scope) == .untrusted
        else { return }
        facts[ObjectIdentifier(scope), default: Facts()].joins.append((toks[i - 1], base + " + " + nx.text))
    }

    /// The name of the directory that ends at `j` (a name, or a call `get_root_dir()`) when it
    /// is named for one (`root_dir`, `base_folder`, `workspace`; not `base_url`, `host`).
    static func directoryOperand(_ toks: [Token], _ j: Int, _ lower: Int) -> String? {
        var k = j
        if toks[k].isOp(")") {
            // Back to the call's name: `get_root_output_dir()`.
            var depth = 0
            while k >= lower {
                if toks[k].isOp(")") { depth += 1 }
                if toks[k].isOp("(") {
                    depth -= 1
                    if depth == 0 { break }
                }
                k -= 1
            }
            k -= 1
        }
        guard k >= lower, toks[k].kind == .name else { return nil }
        let name = toks[k].text
        guard ["dir", "root", "folder", "workspace"].contains(where: { name.hasIgnoringCase($0) }) else { return nil }
        let w = TaintWords.split(name)
        guard w.contains(where: { ["dir", "directory", "root", "folder", "workspace", "basedir"].contains($0) }),
            !w.contains(where: { ["url", "uri", "host", "endpoint", "api", "domain"].contains($0) })
        else { return nil }
        return toks[j].isOp(")") ? toks[k].text + "()" : toks[k].text
    }

    /// `{"role": "system", "content": f"... {x}"}`: the content of a system message.
    mutating func systemRole(at i: Int, _ r: Range<Int>, _ scope: Scope, _ code: Code) {
        let toks = code.tokens
        var o = i
        var depth = 0
        while o > r.lowerBound {
            o -= 1
            if toks[o].isOp("}") { depth += 1 }
            if toks[o].isOp("{") {
                if depth == 0 { break }
                depth -= 1
            }
        }
        guard toks[o].isOp("{") else { return }
        let c = Code.close(toks, o, r.upperBound)
        guard let v = code.property("content", in: o..<(c + 1 <= r.upperBound ? c + 1 : c)), !v.isEmpty else { return }
        if code.origin(v, scope) == .untrusted {
            add(
                RuleID.systemPromptInjection, nil, toks[v.lowerBound],
                "a system message's content is model output or outside input: \(text(code, v))")
        }
    }
}
