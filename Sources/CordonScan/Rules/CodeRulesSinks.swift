// The data sinks of a call: SQL (formatted, or written by the model), files and joined paths,
// fetches of URLs, templates, deserialisation, TLS settings and system prompts. Each records a
// finding or a fact for the function's end (CodeRulesFunctionEnd).

extension CodeRules {
    mutating func sql(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        let last = c.last
        // `conn.run(command)` on an SSH connection is a remote shell (the shell rule's), not a
        // database handle running SQL.
        if remoteShellCommand(c, code) != nil { return }
        // SQL the model wrote, run as it is: `db.run(llm_chain.predict(...))`, a tool's
        // `query` argument handed to `cursor.execute(query)`. No formatting involved: the
        // whole statement is chosen by model output or tool input.
        if let q = c.arg(0, "sql") ?? c.arg(0, "query") ?? c.arg(0, "command") ?? c.arg(0, "statement"),
            Self.mayRunSQL(c.last),
            Self.runsSQL(c, receiverNames(c, code)) || sqlText(q, code) || namedStatement(c, q, code),
            code.origin(q, scope) == .untrusted
        {
            var place = at
            if q.count == 1, let built = sqlVars[ObjectIdentifier(scope)]?[code.tokens[q.lowerBound].text],
                built.at.line < at.line - 2
            {
                place = built.at
            }
            add(
                RuleID.sqlInjection, .high, place,
                "\(written(c))() runs SQL chosen by model output or tool input: \(text(code, q))"
                    + (place.line == at.line ? "" : ", formatted here and run at line \(at.line)"),
                length: place.line == at.line ? len : nil)
            return
        }
        sqlParamSink(c, scope, code, at)
        guard c.segments.count >= 2 || c.onExpression || c.callee == "sqlalchemy.text",
            let q = c.arg(0, "sql") ?? c.arg(0, "statement") ?? c.arg(0, "query"), !c.callee.hasPrefix("child_process")
        else { return }
        var o: Origin = .constant
        var place = at
        var length: Int? = len
        if code.isBuilt(q) && containsSQL(q, code) {
            o = code.origin(q, scope)
        } else if q.count == 1, code.tokens[q.lowerBound].kind == .name,
            let built = sqlVars[ObjectIdentifier(scope)]?[code.tokens[q.lowerBound].text]
        {
            o = built.origin
            // The statement is formatted where it is assigned: a long query built lines above
            // the call is reported there (the call is named in the message).
            if built.at.line < at.line - 2 {
                place = built.at
                length = nil
            }
        }
        // psycopg's `SQL("... {tbl}").format(tbl=Identifier(t))` composes: every value is
        // quoted as an identifier or a literal, so the formatting is not injection.
        if !o.isSafe, composedSQL(q, code) { return }
        // Formatted SQL first (rare), then whether the call runs it (a name split per call).
        guard !o.isSafe, APIs.sqlMethods.contains(last) || Self.runsSQL(c, receiverNames(c, code)) else { return }
        let runs = place.line == at.line ? "" : ", run by \(written(c))() at line \(at.line)"
        add(
            RuleID.sqlInjection, o == .untrusted ? .high : .medium, place,
            "\(written(c))() runs SQL formatted from \(Self.describe(o)): \(text(code, q))\(runs)", length: length)
    }

    /// A function named for file I/O (`load`, `_save_to_disk`, `write_output`, `open_file`).
    static func ioNamed(_ name: String) -> Bool {
        guard
            name.hasIgnoringCase("load") || name.hasIgnoringCase("save") || name.hasIgnoringCase("read")
                || name.hasIgnoringCase("write") || name.hasIgnoringCase("open") || name.hasIgnoringCase("disk")
        else { return false }
        return TaintWords.split(name).contains {
            ["load", "save", "read", "write", "open", "disk", "upload"].contains($0)
        }
    }

    /// The statement is built with psycopg's composition (`sql.SQL(...)`, `SQL(...)` from
    /// `psycopg.sql` or `psycopg2.sql`), which quotes what it formats in.
    func composedSQL(_ r: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        for i in r where toks[i].isName("SQL") && i + 1 < r.upperBound && toks[i + 1].isOp("(") {
            var segs = ["SQL"]
            if i >= 2, toks[i - 1].isOp("."), toks[i - 2].kind == .name { segs.insert(toks[i - 2].text, at: 0) }
            let callee = code.resolve(segs)
            if callee == "psycopg.sql.SQL" || callee == "psycopg2.sql.SQL" { return true }
        }
        return false
    }

    /// `session.execute(text(q))`: SQLAlchemy's `text()` says the argument is a SQL statement,
    /// whatever the receiver is called.
    /// DB-API's `execute` handed a name that says it is SQL (`cm.execute(sql, params)`,
    /// `handle.executemany(stmt, rows)`): the statement runs whatever the receiver is called
    /// (issue 16, session 15: mcp-mysql-connector's `execute_query` tool passes the model's
    /// `sql` to its connection manager). A search or job API's `execute(query)` is not one: only
    /// `sql`, `stmt` and `statement` name a statement.
    func namedStatement(_ c: Call, _ q: Range<Int>, _ code: Code) -> Bool {
        guard c.segments.count >= 2, ["execute", "executemany", "executescript"].contains(c.last), q.count == 1,
            code.tokens[q.lowerBound].kind == .name
        else { return false }
        return TaintWords.split(code.tokens[q.lowerBound].text).contains {
            $0 == "sql" || $0 == "stmt" || $0 == "statement"
        }
    }

    func sqlText(_ r: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        guard r.count >= 3, toks[r.upperBound - 1].isOp(")") else { return false }
        var j = r.lowerBound
        var segs: [String] = []
        while j < r.upperBound, toks[j].kind == .name || toks[j].isOp(".") {
            if toks[j].kind == .name { segs.append(toks[j].text) }
            j += 1
        }
        guard j < r.upperBound, toks[j].isOp("("), Code.close(toks, j, r.upperBound) == r.upperBound - 1 else {
            return false
        }
        let callee = code.resolve(segs)
        return callee == "sqlalchemy.text" || callee == "sqlalchemy.sql.text"
            || callee == "sqlalchemy.sql.expression.text"
    }

    func containsSQL(_ r: Range<Int>, _ code: Code) -> Bool {
        for i in r where code.tokens[i].kind == .string {
            var s = code.tokens[i].text
            if s.withUTF8({ APIs.containsSQLKeyword($0) }) { return true }
        }
        return false
    }

    mutating func files(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        let id = ObjectIdentifier(scope)
        if c.known && APIs.matches(c.callee, APIs.joins), c.args.count >= 2 {
            var joined = false
            for a in c.args.dropFirst() where code.origin(a, scope) == .untrusted {
                facts[id, default: Facts()].joins.append((at, text(code, a)))
                joined = true
                break
            }
            // A helper joining its own parameter under a base and using the path: judged where
            // a tool hands it the model's name (`execute_code_in_container(filename, code)`).
            var own: String?
            if !joined { for a in c.args.dropFirst() where own == nil { own = ownParam(a, scope, code) } }
            if let name = own {
                noteParamSink(
                    scope, name, RuleID.pathTraversal, at,
                    "\(written(c))() joins parameter \(name) under a base with no normalise-and-check",
                    needsFileOp: true)
            }
        }
        // A joined path handed to a call named for file I/O (`loader.load(full_path)`,
        // `self._save_to_disk(os.path.join(base, name), data)`) uses the path as opening it does.
        if !(c.known && APIs.matches(c.callee, APIs.fileOps)), Self.ioNamed(c.last) {
            let toks = code.tokens
            for a in c.args {
                let usesJoin =
                    a.count == 1 && toks[a.lowerBound].kind == .name
                    && joinedNames[id]?.contains(toks[a.lowerBound].text) == true
                let joinsHere = a.contains {
                    toks[$0].kind == .name && (toks[$0].textIs("join") || toks[$0].textIs("joinpath"))
                }
                if usesJoin || joinsHere {
                    facts[id, default: Facts()].fileOp = true
                    if usesJoin { facts[id, default: Facts()].joinUses.append(at) }
                    break
                }
            }
        }
        // pathlib: `base_dir.joinpath(name)` joins like `os.path.join(base_dir, name)`.
        if c.last == "joinpath", c.segments.count >= 2 || c.onExpression {
            for a in c.args where code.origin(a, scope) == .untrusted {
                facts[id, default: Facts()].joins.append((at, "\(written(c))(\(text(code, a)))"))
                break
            }
        }
        // SFTP copies between the host and the server: `sftp.put(local, remote)` reads the
        // local file, `sftp.get(remote, local)` writes it (issue 16, session 15b: mcp-ssh-server
        // uploads any host file the model names, and downloads to any host path). The local
        // side is the host's file; the remote side is the server's, which a remote shell tool
        // reaches anyway.
        if language == .python, scope.inTool, c.segments.count == 2, c.last == "put" || c.last == "get",
            c.segments[0].lowercased().contains("sftp"),
            Self.sshLibraries.contains(where: { code.modules.contains($0) }),
            let p = c.arg(c.last == "put" ? 0 : 1), !code.isBuilt(p), code.origin(p, scope) == .untrusted
        {
            facts[id, default: Facts()].fileOp = true
            facts[id, default: Facts()].wholePaths.append((at, text(code, p)))
        }
        let isFileOp =
            c.known && APIs.matches(c.callee, APIs.fileOps)
            || ((c.segments.count >= 2 || c.onExpression) && APIs.fileMethods.contains(c.last))
        if isFileOp {
            facts[id, default: Facts()].fileOp = true
            let target =
                c.known && APIs.matches(c.callee, APIs.fileOps)
                ? c.arg(0, "file") ?? c.arg(0, "path") : c.segments.count >= 2 ? c.nameIndex - 2..<c.nameIndex - 1 : nil
            if let p = target, let name = code.names(p).first, p.count <= 4,
                joinedNames[id]?.contains(name) == true
            {
                facts[id, default: Facts()].joinUses.append(at)
            }
            // Deleting is what a delete tool is for: the approval rule judges those.
            if scope.inTool, c.known && APIs.matches(c.callee, APIs.fileOps), !APIs.matches(c.callee, APIs.deletes),
                let p = c.arg(0, "file") ?? c.arg(0, "path"),
                !code.isBuilt(p), code.origin(p, scope) == .untrusted
            {
                facts[id, default: Facts()].wholePaths.append((at, text(code, p)))
            }
            // pathlib on the model's path itself: `Path(args.file_path).open("w")`,
            // `path.read_text()` (wcgw's file tools, issue 16, session 13).
            if language == .python, scope.inTool, c.segments.count == 2, !c.known, c.last != "unlink",
                c.last != "rmdir", !code.modules.contains(c.segments[0]), code.aliases[c.segments[0]] == nil,
                code.origin((c.nameIndex - 2)..<(c.nameIndex - 1), scope) == .untrusted
            {
                facts[id, default: Facts()].wholePaths.append((at, "\(written(c))()"))
            }
            if c.known && APIs.matches(c.callee, APIs.fileOps), !APIs.matches(c.callee, APIs.deletes),
                let p = c.arg(0, "file") ?? c.arg(0, "path"), let name = ownParam(p, scope, code)
            {
                noteParamSink(
                    scope, name, RuleID.pathTraversal, at,
                    "\(written(c))() opens the path in parameter \(name) unchecked")
            }
            if let p = c.arg(0), code.isBuilt(p),
                code.strings(p).contains(where: { $0.contains("/") })
                    || code.tokens[p].contains(where: { $0.formatted && $0.text.contains("/") }),
                code.origin(p, scope) == .untrusted
            {
                facts[id, default: Facts()].joins.append((at, text(code, p)))
            }
        }
    }

    /// A name that says it fetches or converts a resource by its address: a verb (`convert`,
    /// `load`, `fetch`, `get`, `read`, `download`, `open`, `scrape`, `crawl`) and `url`/`uri`.
    /// Not `parse_url`, `build_url`, `get_url_for` helpers that only make an address.
    static func fetchesResource(_ name: String) -> Bool {
        guard name.hasIgnoringCase("ur") else { return false }
        let w = TaintWords.split(name)
        guard w.contains(where: { $0 == "url" || $0 == "uri" }), !w.contains(where: { ["for", "to"].contains($0) })
        else {
            return false
        }
        return w.contains {
            ["convert", "load", "fetch", "get", "read", "download", "open", "scrape", "crawl", "aload"].contains($0)
        }
    }

    /// A name for several clients, sessions, drivers or browsers (`sessions`, `_clients`,
    /// `sessionsById`, `active_browsers`): a map or list of them.
    static func namesCollection(_ name: String) -> Bool {
        TaintWords.split(name).contains { ["sessions", "clients", "drivers", "browsers"].contains($0) }
    }

    /// A function named for fetching what it is handed (`extract_with_bs4(url)`,
    /// `scrape_page`, `download`, `crawl_site`): its first word is a fetching verb, and no word
    /// names a part of an address it would only compute (`extract_domain`, `fetch_host_name`).
    static func fetchVerb(_ name: String) -> Bool {
        let w = TaintWords.split(name)
        guard let first = w.first,
            ["extract", "scrape", "crawl", "fetch", "download", "browse", "visit", "retrieve", "load"].contains(first)
        else { return false }
        return !w.contains {
            ["domain", "domains", "host", "hostname", "netloc", "scheme", "port", "id", "name", "parts", "hash"]
                .contains($0)
        }
    }

    /// A call the project pass carries the model's arguments through (CodeRulesImports): a
    /// function imported by name (`from pkg.web import fetch_page`) or of an imported module or
    /// class (`web_utils.download(url)`, `Helper.fetch(url)`).
    static func carriedToProject(_ c: Call, _ code: Code) -> Bool {
        if c.segments.count == 1, let path = code.aliases[c.last], path.contains(".") { return true }
        return c.segments.count == 2 && (code.modules.contains(c.segments[0]) || code.aliases[c.segments[0]] != nil)
    }

    /// An argument that names itself a web address: one name, or the last name of an
    /// attribute chain (`website_url`, `args.link`, `self.page_uri`).
    static func namedURL(_ r: Range<Int>, _ code: Code) -> Bool {
        let toks = code.tokens
        guard let last = r.last, toks[last].kind == .name else { return false }
        for j in r where !(toks[j].kind == .name || toks[j].isOp(".")) { return false }
        return TaintWords.split(toks[last].text).contains {
            ["url", "uri", "link", "href", "website", "webpage"].contains($0)
        }
    }

    mutating func fetches(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        var url: Range<Int>?
        if c.known && APIs.matches(c.callee, APIs.http) {
            url = c.callee.hasSuffix(".request") && language == .python ? c.arg(1, "url") : c.arg(0, "url")
        } else if c.segments.count >= 2, ["load", "aload", "scrape", "crawl", "fetch"].contains(c.last),
            c.segments.dropLast().contains(where: { s in
                TaintWords.split(s).contains {
                    ["web", "url", "html", "webpage", "scraper", "crawler", "browser"].contains($0)
                }
            })
        {
            // A web loader or scraper held by name (`self.web_loader.load(url)`).
            url = c.arg(0, "url")
        } else if c.segments.count >= 2, APIs.httpMethods.contains(c.last) || APIs.asyncHTTPMethods.contains(c.last),
            // The object the method is called on is the client: `session.namespace.get(key)` is
            // a dict's `get` on a session's namespace, not a fetch (issue 16, session 15b:
            // mcp-python-repl's executor).
            [c.segments[c.segments.count - 2]].contains(where: { s in
                let l = s.lowercased()
                // A browser held by name navigates (`driver.get(url)`, Selenium's WebDriver).
                // A collection named in the plural holds clients, it is not one: its
                // `get`/`delete` are a map's (`this.sessions.delete(pid)`, DesktopCommanderMCP's
                // terminal manager; issue 16, session 16).
                return
                    (l.has("session") || l.has("client") || l.has("http") || l.has("requests") || l.has("driver")
                    || l.has("browser")) && !Self.namesCollection(s)
            }) || (c.last == "get" && heldBrowser(c, scope, code))
        {
            url = c.arg(0, "url")
        } else if language == .python, !c.known, Self.fetchesResource(c.last) {
            // A method named for fetching or converting what a URL or URI names
            // (`MarkItDown().convert_uri(uri)`, `loader.load_url(u)`, `download_url(u)`):
            // issue 16, session 13.
            url = c.arg(0, "uri") ?? c.arg(0, "url")
        } else if scope.inTool, !c.known, !localFunctions.contains(c.last), Self.fetchVerb(c.last),
            c.onExpression || !Self.carriedToProject(c, code), let a = c.arg(0), Self.namedURL(a, code)
        {
            // A tool handing the model's URL, by a name that says so, to a method of another
            // module named for fetching it (SuperAGI's `WebpageExtractor().
            // extract_with_bs4(website_url)`; issue 16, session 16). A function the project
            // pass follows (`web_utils.download(url)`, `from .web import fetch_page`) is judged
            // at its fetch instead, when it is in the scan; a method on an object made in the
            // call is not followed, so the tool is where the finding goes.
            url = a
        } else if c.segments.count >= 2, c.last == "goto",
            c.segments.dropLast().contains(where: { s in
                TaintWords.split(s).contains { ["page", "tab", "browser", "frame"].contains($0) }
            })
        {
            // Playwright's and Puppeteer's `page.goto(url)` loads the page in a browser.
            url = c.arg(0, "url")
        }
        guard let u = url, !fixedHost(u, code), !configuredHost(u, scope, code), !configuredTemplate(u, scope, code)
        else { return }
        let o = code.origin(u, scope)
        if o == .untrusted {
            facts[ObjectIdentifier(scope), default: Facts()].fetches.append((at, text(code, u)))
        } else if o == .unknown, u.count == 1, code.tokens[u.lowerBound].kind == .name,
            scope.order.contains(code.tokens[u.lowerBound].text)
        {
            // A helper fetching its parameter: judged where it is called (localFetch).
            let name = code.tokens[u.lowerBound].text
            facts[ObjectIdentifier(scope), default: Facts()].fetchedParams.insert(name)
            noteParamSink(scope, name, RuleID.ssrf, at, "\(written(c))() fetches the URL in parameter \(name)")
        }
    }

    /// A URL whose scheme and host are written in the code (`f"https://api.example.com/item/{id}"`,
    /// `"https://host/" + path`): the model can choose a path on that host, not the host.
    func fixedHost(_ u: Range<Int>, _ code: Code) -> Bool {
        let first = code.tokens[u.lowerBound]
        guard first.kind == .string else { return false }
        var text = first.text
        return text.withUTF8 { b in
            // scheme "://" host "/", with no interpolation before that slash.
            var i = 0
            while i + 2 < b.count && !(b[i] == 0x3A && b[i + 1] == 0x2F && b[i + 2] == 0x2F) {
                guard Bytes.isIdent(b[i]) || b[i] == 0x2B || b[i] == 0x2D || b[i] == 0x2E else { return false }
                i += 1
            }
            guard i > 0, i + 2 < b.count else { return false }
            var j = i + 3
            let host = j
            while j < b.count && b[j] != 0x2F {
                // `{x}`, `${x}` or `%s` in the host: filled in later.
                if b[j] == 0x7B || b[j] == 0x24 || b[j] == 0x25 { return false }
                j += 1
            }
            return j > host && j < b.count
        }
    }

    /// A URL whose beginning, where the scheme and host go, is a value the model did not choose
    /// (`f"{self.base_url}{path}"`, `BASE + path`), or a name assigned one.
    func configuredHost(_ u: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        let toks = code.tokens
        let first = toks[u.lowerBound]
        if u.count == 1, first.kind == .name {
            return configuredURLs[ObjectIdentifier(scope)]?.contains(first.text) == true
        }
        return Self.hostPrefix(u, scope, code)
    }

    static func hostPrefix(_ u: Range<Int>, _ scope: Scope, _ code: Code) -> Bool {
        let toks = code.tokens
        let first = toks[u.lowerBound]
        if first.kind == .string, first.formatted, first.text.hasPrefix("{") || first.text.hasPrefix("${"),
            !first.text.contains("}://"),
            let head = first.parts.first, !head.isEmpty
        {
            return code.origin(of: head, scope) != .untrusted
        }
        // `base + path`: the head is a name or attribute chain, then `+`.
        var j = u.lowerBound
        while j < u.upperBound, toks[j].kind == .name || toks[j].isOp(".") { j += 1 }
        guard j > u.lowerBound, j < u.upperBound, toks[j].isOp("+") else { return false }
        let head = u.lowerBound..<j
        let o = code.origin(head, scope)
        return o != .untrusted && !(head.count == 1 && scope.params.contains(toks[head.lowerBound].text))
    }

    mutating func templates(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        var target: Range<Int>?
        let callee = c.callee
        if c.known && APIs.matches(callee, APIs.templates) || callee == "jinja2.Template" {
            target = c.arg(0, "source")
        } else if c.last == "from_string" {
            let recv = receiverNames(c, code)
            if !recv.contains(where: { sandboxedTemplates.contains($0) || $0.contains("Sandboxed") }) {
                target = c.arg(0, "source")
            }
        } else if ["PromptTemplate", "from_template", "ChatPromptTemplate"].contains(c.last),
            let f = c.keyword("template_format"), code.literal(f) == "jinja2"
        {
            target = c.arg(0, "template")
        }
        guard let r = target else { return }
        let o = code.origin(r, scope)
        guard !o.isSafe else { return }
        add(
            RuleID.templateInjection, o == .untrusted ? .high : .medium, at,
            "\(written(c))() compiles a template from \(Self.describe(o)): \(text(code, r))", length: len)
    }

    mutating func tls(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        for (k, r) in c.keywords {
            if (k == "verify" || k == "verify_ssl") && code.isFalse(r) {
                add(
                    RuleID.tlsDisabled, nil, code.tokens[r.lowerBound - 2],
                    "\(k)=False turns off certificate checks for \(written(c))()")
            }
            if k == "ssl" && code.isFalse(r)
                && (c.callee.hasPrefix("aiohttp") || APIs.httpMethods.contains(c.last) || c.last == "TCPConnector")
            {
                add(
                    RuleID.tlsDisabled, nil, code.tokens[r.lowerBound - 2],
                    "ssl=False turns off certificate checks for \(written(c))()")
            }
        }
        // paramiko's `set_missing_host_key_policy(AutoAddPolicy())` (or `WarningPolicy`) accepts
        // the key of a host it has never seen: the SSH twin of `verify=False` (session 15).
        if c.last == "set_missing_host_key_policy", let p = c.arg(0, "policy"),
            p.contains(where: { code.tokens[$0].isName("AutoAddPolicy") || code.tokens[$0].isName("WarningPolicy") })
        {
            add(
                RuleID.tlsDisabled, nil, at,
                "\(written(c))() with \(text(code, p)) accepts any host key: SSH host verification is off", length: len)
        }
        if c.callee == "ssl._create_unverified_context" || c.callee == "ssl._create_stdlib_context" {
            add(
                RuleID.tlsDisabled, nil, at, "\(written(c))() makes a context that accepts any certificate", length: len
            )
        }
    }

    mutating func systemPrompt(_ c: Call, _ scope: Scope, _ code: Code) {
        // `kwargs.update(instructions=...)`: filling a dict of options builds no prompt; the
        // call that receives them is judged where it is made.
        if c.last == "update" || c.last == "setdefault" { return }
        var candidates: [Range<Int>] = []
        if c.last == "SystemMessage", let a = c.arg(0, "content") { candidates.append(a) }
        for (k, r) in c.keywords where ["system", "system_prompt", "system_message", "instructions"].contains(k) {
            candidates.append(r)
        }
        if language == .javascript {
            for a in c.args {
                for key in ["system", "instructions", "systemPrompt", "systemMessage"] {
                    if let v = code.property(key, in: a) { candidates.append(v) }
                }
            }
        }
        for r in candidates where !r.isEmpty && code.origin(r, scope) == .untrusted {
            add(
                RuleID.systemPromptInjection, nil, code.tokens[r.lowerBound],
                "the system prompt of \(written(c))() includes model output or outside input: \(text(code, r))")
        }
    }

    /// The `key=value` / `key: value` settings the statement pass reads (a token that is none
    /// of them skips the comparisons).
}
