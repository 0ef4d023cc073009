// Decisions taken when a function's body has ended, because the check that makes a call safe
// (`realpath` + `startswith`, an allow-list, an approval) may come before or after it: path
// traversal, SSRF, dangerous tools, helper sinks, code written then run, unbounded loops.

extension CodeRules {
    // MARK: function ends

    mutating func functionEnd(_ scope: Scope, _ code: Code) {
        let id = ObjectIdentifier(scope)
        sqlVars[id] = nil
        configuredURLs[id] = nil
        joinedNames[id] = nil
        defer {
            if scope.optInGuard || (scope.parent == nil && constructorOptIn) { dropOptedIn(scope, code) }
            if scope.writeOptIn { dropOptedInWrites(scope, code) }
        }
        defer { noteSpan(scope, code) }
        defer { dropConfirmed(scope, code) }
        defer { dropAllowListedCommands(scope, code) }
        notePathChecker(scope, code)
        noteBarePrefixTests(scope, code)
        noteCommandChecker(scope, code)
        if scope.parent == nil {
            settleLocalCalls(code)
            settleConfirmedCallees(code)
            settleOwnFileLoads(code)
            settleShellRunners()
        }
        defer { calledLocals[id] = nil }
        guard let f = facts.removeValue(forKey: id) else { return }
        let body = scope.bodyStart..<max(scope.bodyStart, scope.bodyEnd)
        if !f.fetchedParams.isEmpty && !allowListed(body, code) && scope.parent != nil {
            fetchingFunctions[scope.name] = scope.order.enumerated().filter { f.fetchedParams.contains($0.element) }
                .map { (index: $0.offset, name: $0.element) }
        }
        // The body's names, read only when a decision needs them (most bodies have none to make).
        var cached: Set<String>?
        func bodyNames() -> Set<String> {
            if let c = cached { return c }
            let s = Set(body.compactMap { code.tokens[$0].kind == .name ? code.tokens[$0].text : nil })
            cached = s
            return s
        }
        if !f.paramSinks.isEmpty {
            keepParamSinks(
                scope, f, contained: contained(body, code, bodyNames()), allowListed: allowListed(body, code),
                rejectsOptions: rejectsOptions(body, code))
        }
        if !f.optionArguments.isEmpty && !rejectsOptions(body, code) {
            for (at, what) in f.optionArguments {
                add(
                    RuleID.argumentInjection, nil, at,
                    "\(what) with no `--` before it: a value starting with '-' is read as an option")
            }
        }
        settleCodeFiles(f)
        // A path joined to a base is the join rule's; this one is for no base at all.
        if !f.wholePaths.isEmpty && f.joins.isEmpty && !contained(body, code, bodyNames()) {
            for (at, what) in f.wholePaths.prefix(1) {
                add(
                    RuleID.pathTraversal, nil, at,
                    "opens whatever path the model names, with no base directory or check: \(what)")
            }
        }
        // A function named for making a path returns the join for its callers to open
        // (`get_excel_path`): that is its use (issue 16, session 13).
        let usesJoin = f.fileOp || (scope.returns != nil && Self.makesPath(scope.name))
        if !f.joins.isEmpty && usesJoin && !contained(body, code, bodyNames()) {
            for (at, what) in f.joins.prefix(1) {
                add(
                    RuleID.pathTraversal, nil, at,
                    "\(what) joins model-chosen input to a path that is used without normalising and checking it stays inside the base"
                )
                // Where the joined path is opened, when that is further down.
                if let use = f.joinUses.first(where: { $0.line > at.line + 2 }) {
                    add(
                        RuleID.pathTraversal, nil, use,
                        "uses the path joined at line \(at.line) from model-chosen input, unchecked")
                }
            }
        }
        if f.fileOp, let called = calledLocals[id] { calledByFileUsers.formUnion(called) }
        if f.joins.isEmpty, !f.fileOp, scope.returns != nil, let first = f.storeJoins.first,
            !contained(body, code, bodyNames())
        {
            pathBuilders[scope.name] = first
        }
        if f.joins.isEmpty, f.fileOp, let (at, what) = f.storeJoins.first, !contained(body, code, bodyNames()) {
            add(
                RuleID.pathTraversal, .medium, at,
                "\(what) puts a name from the caller under the object's base and uses it with no normalise-and-check: a name with ../ or an absolute path escapes"
            )
        }
        if !f.fetches.isEmpty && !allowListed(body, code) {
            for (at, what) in f.fetches {
                add(RuleID.ssrf, nil, at, "fetches a URL from model output or tool input with no allow-list: \(what)")
            }
        }
        // Email to a recipient the developer fixed (`self.receiver_email`) reaches one known
        // inbox; it is a dangerous tool when the model chooses where mail goes.
        let mailing = f.dangerous.contains { $0.1 == "sends email" }
        let recipientChosen =
            mailing
            && scope.params.contains { p in
                TaintWords.split(p).contains {
                    [
                        "to", "recipient", "recipients", "receiver", "email", "emails", "address", "addresses", "cc",
                        "bcc",
                    ]
                    .contains($0)
                }
            }
        let dangerous = f.dangerous.filter { $0.1 != "sends email" || recipientChosen }
        // A helper method of a tool class mails or pays for the tool that calls it.
        if scope.isTool || scope.toolClassMethod, !dangerous.isEmpty, !fileHasApproval, !approves(body, code) {
            let f = Facts(dangerous: dangerous)
            let kinds = Array(Set(f.dangerous.map(\.1))).sorted()
            let sev = f.dangerous.map(\.2).max() ?? .medium
            add(
                RuleID.dangerousTool, sev, f.dangerous[0].0,
                "tool \(scope.name)() \(kinds.joined(separator: " and ")) with no approval step")
        }
    }

    /// Normalised and checked: `realpath`/`resolve` and a containment test in the same
    /// function that refuses (CodeRulesGates.refuses), or a call of the file's path checker.
    func contained(_ body: Range<Int>, _ code: Code, _ names: Set<String>) -> Bool {
        let normalise = ["realpath", "abspath", "resolve", "normpath", "normalize", "canonicalize"]
        let check = [
            "startswith", "startsWith", "is_relative_to", "commonpath", "relative_to", "relative", "commonprefix",
        ]
        if !pathCheckers.isDisjoint(with: names) { return true }
        guard normalise.contains(where: names.contains),
            check.contains(where: names.contains) || names.contains("parents")
                || !pathPredicates.isDisjoint(with: names)
        else { return false }
        return refusesOutside(body, code)
    }

    func allowListed(_ body: Range<Int>, _ code: Code) -> Bool {
        var hostCheck = false
        var membership = false
        for i in body {
            let t = code.tokens[i]
            guard t.kind == .name else { continue }
            let l = t.text.lowercased()
            if ["allow", "whitelist", "permit", "trusted", "safe_url", "is_safe", "validate_url", "check_url"].contains(
                where: { l.has($0) })
            {
                return true
            }
            if l == "hostname" || l == "netloc" || l == "host" || l == "origin" { hostCheck = true }
            if l == "in" || l == "includes" || l == "endswith" || l == "endsWith" || l == "has" { membership = true }
        }
        return hostCheck && membership
    }

    func approves(_ body: Range<Int>, _ code: Code) -> Bool {
        for i in body {
            let t = code.tokens[i]
            guard t.kind == .name || t.kind == .string else { continue }
            let l = t.text.lowercased()
            if t.kind == .name && (l == "input" || l == "confirm" || l == "prompt_toolkit") { return true }
            if ["approv", "confirm", "consent", "human", "interrupt", "cordon"].contains(where: { l.has($0) }) {
                return true
            }
        }
        return false
    }

    mutating func unboundedLoop(_ at: Token, body: Range<Int>, _ scope: Scope, _ code: Code) {
        let toks = code.tokens
        var callsModel = false
        for i in body where toks[i].isOp("(") && i > body.lowerBound && toks[i - 1].kind == .name {
            var segs = [toks[i - 1].text]
            var j = i - 1
            while j - 2 >= body.lowerBound && toks[j - 1].isOp(".") && toks[j - 2].kind == .name {
                segs.insert(toks[j - 2].text, at: 0)
                j -= 2
            }
            if code.isModelCall(segs, code.resolve(segs))
                || (segs.count >= 2 && ["step", "run", "invoke", "chat"].contains(segs.last ?? "")
                    && segs.dropLast().contains(where: { $0.lowercased().contains("agent") }))
            {
                callsModel = true
                break
            }
        }
        guard callsModel else { return }
        let limits = [
            "max", "limit", "budget", "iteration", "turn", "attempt", "retr", "cost", "deadline", "timeout",
            "remaining", "count", "tries", "round", "elapsed",
        ]
        for i in body where toks[i].kind == .name {
            let l = toks[i].text.lowercased()
            if limits.contains(where: { l.has($0) }) { return }
        }
        add(
            RuleID.unboundedLoop, nil, at,
            "the loop calls the model until it stops by itself: no iteration, cost or time limit")
    }
}
