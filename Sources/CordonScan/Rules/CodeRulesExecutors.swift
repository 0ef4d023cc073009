// Evaluation that does not say `eval` in its name: pandas' expression evaluator (`pd.eval`,
// `df.query`/`df.eval`, which resolve attributes and calls: CVE-2025-46724 in langroid's
// TableChatAgent), and code run in a local Jupyter kernel (`nbclient`'s `execute_cell`,
// `jupyter_client`'s `kc.execute`, IPython's `run_cell`), which is a full interpreter on the
// host. And tool helpers named for what they do to a file (`read_file(path)`), defined in
// another module, handed a path the model chose.

extension CodeRules {
    /// Receivers that hold a pandas DataFrame by name (`df`, `self.df`, `data_frame`).
    static let frameWords: Set<String> = ["df", "dfs", "frame", "dataframe", "frames", "dataframes"]

    mutating func dataFrameEval(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard language == .python, c.last == "eval" || c.last == "query" else { return }
        let engine = c.keyword("engine").flatMap { code.literal($0) }
        var target: Range<Int>?
        if c.callee == "pandas.eval" || c.callee == "pandas.query" {
            target = c.arg(0, "expr")
        } else if c.segments.count >= 2 || c.onExpression,
            engine == "python"
                || receiverNames(c, code).contains(where: {
                    TaintWords.split($0).contains(where: Self.frameWords.contains)
                })
        {
            target = c.arg(0, "expr")
        }
        guard let r = target else { return }
        let o = code.origin(r, scope)
        if o == .untrusted {
            add(
                RuleID.evalInjection, .critical, at,
                "\(written(c))() evaluates model output or tool input as a pandas expression, which reaches attributes and calls: \(text(code, r))",
                length: len)
        } else if !o.isSafe, engine == "python" {
            add(
                RuleID.evalInjection, .high, at,
                "\(written(c))(engine=\"python\") evaluates a value that is not constant as Python: \(text(code, r))",
                length: len)
        }
    }

    static let kernelModules = ["nbclient", "jupyter_client", "IPython", "ipykernel", "nbconvert"]
    static let cellMethods: Set<String> = [
        "execute_cell", "async_execute_cell", "run_cell", "run_cell_async", "execute_interactive",
    ]

    /// Code run in a local Jupyter kernel: `self._client.async_execute_cell(cell)`,
    /// `kc.execute(code)`, `shell.run_cell(code)`, in a file that imports a local kernel library.
    mutating func kernelExecution(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token, _ len: Int) {
        guard language == .python, c.segments.count >= 2 || c.onExpression else { return }
        let cell = Self.cellMethods.contains(c.last)
        guard
            cell
                || c.last == "execute"
                    && receiverNames(c, code).contains(where: {
                        TaintWords.split($0).contains(where: { ["kernel", "kc", "shell", "ipython"].contains($0) })
                    })
        else { return }
        guard importsKernel(code), let r = c.arg(0, "cell") ?? c.arg(0, "code") ?? c.arg(0, "raw_cell") else { return }
        let o = code.origin(r, scope)
        guard !o.isSafe else { return }
        if o == .untrusted {
            add(
                RuleID.evalInjection, .critical, at,
                "\(written(c))() runs model output in a local Jupyter kernel on the host: \(text(code, r))",
                length: len)
        } else {
            add(
                RuleID.unsandboxedInterpreter, nil, at,
                "\(written(c))() runs the code it is given in a local Jupyter kernel on the host, with no sandbox",
                length: len)
        }
    }

    /// The file imports a library that starts or drives a kernel on this machine.
    func importsKernel(_ code: Code) -> Bool {
        func local(_ m: String) -> Bool {
            Self.kernelModules.contains { m == $0 || m.hasPrefix($0 + ".") }
        }
        return code.modules.contains(where: local) || code.aliases.values.contains(where: local)
    }

    /// Tool helpers named for reading, writing or listing a file or directory
    /// (`read_file`, `create_file`, `list_dir`, `write_to_file`), not defined in this file.
    static func fileHelper(_ name: String) -> Bool {
        guard name.hasIgnoringCase("file") || name.hasIgnoringCase("dir") || name.hasIgnoringCase("folder") else {
            return false
        }
        let w = TaintWords.split(name)
        // `convert`: converting a file reads it (pypandoc's `convert_file`, issue 16, session 13).
        let verbs = [
            "read", "write", "create", "list", "append", "load", "save", "open", "edit", "overwrite", "convert",
        ]
        let objects = ["file", "files", "dir", "dirs", "directory", "folder"]
        return w.contains(where: verbs.contains) && w.contains(where: objects.contains) && !Known.checks(name)
    }

    /// A tool handing a path the model chose, as a whole, to a file helper of another module.
    mutating func fileHelperCall(_ c: Call, _ scope: Scope, _ code: Code, _ at: Token) {
        guard language == .python, scope.inTool, !c.known, !localFunctions.contains(c.last) else { return }
        // Where a converter or exporter writes: `outputfile=output_file` (pypandoc), a path the
        // model chose as a whole.
        let output = c.keywords.first { k, r in
            ["outputfile", "output_file", "output_path", "outfile", "dest_path"].contains(k) && !code.isBuilt(r)
                && code.origin(r, scope) == .untrusted
        }
        var target: Range<Int>?
        if Self.fileHelper(c.last), let p = c.arg(0, "path") ?? c.arg(0, "file_path"), !code.isBuilt(p),
            code.origin(p, scope) == .untrusted
        {
            target = p
        } else if let (_, r) = output {
            target = r
        }
        guard let p = target else { return }
        let id = ObjectIdentifier(scope)
        facts[id, default: Facts()].fileOp = true
        facts[id, default: Facts()].wholePaths.append((at, "\(written(c))(\(text(code, p)))"))
    }
}
