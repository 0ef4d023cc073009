// What the APIs the rules know mean: which calls run a shell, evaluate code, query a database,
// read files, fetch URLs, deserialise or render templates. Keyed by the resolved callee
// (`subprocess.run` after `from subprocess import run as r`), or by a method name where the
// receiver is a variable whose type a scanner cannot know (`cursor.execute`).

enum APIs {
    // MARK: processes

    /// Always run their argument through a shell.
    static let alwaysShell: Set<String> = [
        "os.system", "os.popen", "os.popen2", "os.popen3", "os.popen4", "subprocess.getoutput",
        "subprocess.getstatusoutput", "commands.getoutput", "commands.getstatusoutput",
        "asyncio.create_subprocess_shell", "child_process.exec", "child_process.execSync", "shelljs.exec",
        "execa.execaCommand", "execa.execaCommandSync", "execa.command", "execa.commandSync", "invoke.run",
        "fabric.Connection.run", "paramiko.SSHClient.exec_command", "pexpect.run", "pexpect.spawn",
    ]
    /// Run a program; through a shell when `shell` is true.
    static let spawn: Set<String> = [
        "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
        "asyncio.create_subprocess_exec", "os.execv", "os.execvp", "os.execve", "os.execl", "os.execlp",
        "os.spawnv", "os.spawnvp", "os.spawnl", "os.spawnlp", "child_process.spawn", "child_process.spawnSync",
        "child_process.execFile", "child_process.execFileSync", "child_process.fork", "execa.execa", "execa",
        "execa.execaSync", "cross-spawn", "Bun.spawn", "Bun.spawnSync",
    ]
    static let shells: Set<String> = [
        "sh", "bash", "zsh", "dash", "ksh", "fish", "/bin/sh", "/bin/bash", "/usr/bin/bash", "/usr/bin/sh",
        "/bin/zsh", "cmd", "cmd.exe", "powershell", "pwsh", "/usr/bin/env",
    ]

    // MARK: code evaluation

    static let pythonEval: Set<String> = ["eval", "exec", "compile", "builtins.eval", "builtins.exec", "execfile"]
    static let jsEval: Set<String> = [
        "eval", "Function", "vm.runInNewContext", "vm.runInThisContext", "vm.runInContext", "vm.Script",
        "vm.compileFunction", "vm.SourceTextModule",
    ]
    /// Receivers that are Python REPLs: `PythonREPL().run(code)`, `repl.run(code)`.
    static let replMethods: Set<String> = ["run", "exec", "execute", "runsource", "runcode", "invoke"]

    // MARK: agent tooling

    static let shellTools: Set<String> = [
        "PythonREPLTool", "PythonREPL", "PythonAstREPLTool", "ShellTool", "BashProcess", "TerminalTool",
        "create_python_agent", "PythonInterpreterTool", "PythonCodeTool", "ShellToolkit", "BashTool", "RunShellTool",
    ]
    /// Classes that are an interpreter an object can hold (`self.repl = PythonREPL()`).
    static let interpreterTypes: Set<String> = [
        "PythonREPL", "BashProcess", "InteractiveInterpreter", "InteractiveConsole",
    ]
    /// Of those and `shellTools`, the ones that run shell command lines rather than Python.
    static let shellProcessTypes: Set<String> = [
        "BashProcess", "ShellTool", "TerminalTool", "ShellToolkit", "BashTool", "RunShellTool",
    ]
    static let shellToolNames: Set<String> = [
        "terminal", "python_repl", "shell", "bash", "python", "Python_REPL", "PythonREPL", "sleep_shell",
    ]
    static let localExecutors: Set<String> = [
        "LocalCommandLineCodeExecutor", "LocalPythonExecutor", "LocalPythonInterpreter", "UnsafeLocalCodeExecutor",
    ]

    // MARK: data

    static let sqlMethods: Set<String> = [
        "execute", "executemany", "executescript", "exec_driver_sql", "raw", "read_sql", "read_sql_query",
        "query", "$queryRawUnsafe", "$executeRawUnsafe", "unsafe", "run_sql", "sql", "text", "rawQuery", "raw_query",
    ]
    static let sqlKeywords = [
        "select ", "insert ", "update ", "delete ", "drop ", " where ", "create ", "alter ", "pragma ", "describe ",
        "explain ",
    ]
    static let sqlKeywordBytes: [[UInt8]] = sqlKeywords.map { Array($0.utf8) }

    /// Whether `text` holds one of `sqlKeywords`, ignoring ASCII case, without lower-casing a copy.
    static func containsSQLKeyword(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let keywords = sqlKeywordBytes
        var i = 0
        while i < text.count {
            let c = text[i] | 0x20
            for k in keywords where k[0] == c && i + k.count <= text.count {
                var j = 1
                while j < k.count {
                    let b = text[i + j]
                    // A space in a keyword matches any white space (`SELECT\n    col`).
                    let same =
                        k[j] == 0x20
                        ? b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
                        : (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) == k[j]
                    guard same else { break }
                    j += 1
                }
                if j == k.count { return true }
            }
            i += 1
        }
        return false
    }

    static let deserialise: Set<String> = [
        "pickle.loads", "pickle.load", "cPickle.loads", "cPickle.load", "_pickle.loads", "_pickle.load",
        "dill.loads", "dill.load", "cloudpickle.loads", "cloudpickle.load", "joblib.load", "pandas.read_pickle",
        "marshal.loads", "marshal.load", "shelve.open", "jsonpickle.decode", "node-serialize.unserialize",
        "pickle.Unpickler", "torch.load", "numpy.load", "yaml.load", "yaml.load_all", "yaml.unsafe_load",
        "yaml.unsafe_load_all", "yaml.full_load", "keras.models.load_model", "tensorflow.keras.models.load_model",
    ]
    static let safeYAMLLoaders: Set<String> = ["SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"]

    // MARK: files and network

    static let fileOps: Set<String> = [
        "open", "io.open", "os.remove", "os.unlink", "shutil.rmtree", "shutil.copy", "shutil.copyfile", "shutil.move",
        "os.rename", "os.replace", "aiofiles.open", "fs.readFile", "fs.readFileSync", "fs.writeFile",
        "fs.writeFileSync", "fs.appendFile", "fs.appendFileSync", "fs.createReadStream", "fs.createWriteStream",
        "fs.unlink", "fs.unlinkSync", "fs.rm", "fs.rmSync", "fs.promises.readFile", "fs.promises.writeFile",
        "fs/promises.readFile", "fs/promises.writeFile", "fs/promises.unlink", "fs/promises.rm", "send_file",
        "flask.send_file", "FileResponse", "fastapi.responses.FileResponse", "fs.existsSync", "fs.statSync",
        "fs.readdirSync", "fs.readdir", "fs/promises.readdir", "os.listdir", "fs.promises.unlink", "fs.promises.rm",
        "os.walk", "os.scandir", "git.Repo", "git.Repo.init",
        // A database file is a file: SQLite opens (or creates) whatever path it is handed
        // (issue 16, session 15b: mcp-sqlite-tool connects to any file the model names).
        "sqlite3.connect",
    ]
    static let fileMethods: Set<String> = [
        "read_text", "write_text", "read_bytes", "write_bytes", "unlink", "rmdir", "sendFile", "open", "readFile",
        "writeFile", "readFileSync", "writeFileSync", "unlinkSync", "rmSync", "rm", "appendFile",
        // pathlib's listings read a directory as `os.listdir` does (issue 16, session 15b:
        // mcp-filesysutils-server lists and reorganises any directory the model names).
        "iterdir", "glob", "rglob",
    ]
    static let deletes: Set<String> = [
        "os.remove", "os.unlink", "shutil.rmtree", "os.rmdir", "fs.unlink", "fs.unlinkSync", "fs.rm", "fs.rmSync",
        "fs.rmdir", "fs.rmdirSync", "fs/promises.unlink", "fs/promises.rm", "fs.promises.unlink", "fs.promises.rm",
        "rimraf", "rimraf.sync",
    ]
    static let joins: Set<String> = ["os.path.join", "path.join", "pathlib.Path", "Path", "posixpath.join"]

    /// Calls that fetch the URL they are given. GitPython's `Repo.clone_from(url, dir)` connects
    /// to the URL's host as a fetch does (issue 16, session 15: mcp-git-explorer clones any repo
    /// URL the model names, internal hosts included).
    static let http: Set<String> = [
        "requests.get", "requests.post", "requests.put", "requests.delete", "requests.head", "requests.patch",
        "requests.request", "httpx.get", "httpx.post", "httpx.put", "httpx.delete", "httpx.request", "httpx.stream",
        "urllib.request.urlopen", "urllib.request.urlretrieve", "urlopen", "urlretrieve", "urllib.request.Request",
        "fetch", "axios", "axios.get", "axios.post", "axios.put", "axios.delete", "axios.request", "got", "got.get",
        "node-fetch", "http.get", "https.get", "http.request", "https.request", "needle", "superagent.get", "ky",
        "ky.get", "undici.request", "undici.fetch", "aiohttp.request", "urllib3.request", "WebBaseLoader",
        "newspaper.article", "newspaper.Article", "trafilatura.fetch_url", "AsyncHtmlLoader", "RecursiveUrlLoader",
        "SitemapLoader", "git.Repo.clone_from",
    ]
    /// Methods on a session/client object that fetch (`session.get(url)`, `client.get(url)`).
    static let httpMethods: Set<String> = ["get", "post", "put", "delete", "request", "head", "patch", "stream"]
    /// Their async twins as request wrappers name them (`await wrapper.aget(url)`).
    static let asyncHTTPMethods: Set<String> = ["aget", "apost", "aput", "adelete", "arequest", "ahead", "apatch"]

    // MARK: templates

    static let templates: Set<String> = [
        "jinja2.Template", "jinja2.Environment.from_string", "flask.render_template_string",
        "render_template_string", "mako.template.Template", "ejs.render", "ejs.compile", "lodash.template",
        "_.template", "handlebars.compile", "Handlebars.compile", "pug.render", "pug.compile", "nunjucks.renderString",
        "dot.template", "doT.template",
    ]

    // MARK: side effects a tool should not take without a human

    static let email: [String] = ["sendmail", "send_message", "send_mail", "sendMail", "send_email", "sendEmail"]
    static let payments: [String] = [
        "stripe.Charge.create", "stripe.PaymentIntent.create", "stripe.Transfer.create", "stripe.Payout.create",
        "stripe.Refund.create", "stripe.charges.create", "stripe.paymentIntents.create", "stripe.transfers.create",
        "stripe.payouts.create", "stripe.refunds.create",
    ]

    /// Every callee `matches` can find, for one lookup per call before the per-set ones.
    static let known: Set<String> = alwaysShell.union(spawn).union(deletes).union(fileOps).union(joins).union(http)
        .union(templates).union(deserialise)

    static func isKnown(_ callee: String) -> Bool {
        known.contains(callee.hasPrefix("node:") ? String(callee.dropFirst(5)) : callee)
    }

    static func matches(_ callee: String, _ set: Set<String>) -> Bool {
        if set.contains(callee) { return true }
        // `from x import y` style and `node:` prefixes resolve to the same entries.
        if callee.hasPrefix("node:") { return set.contains(String(callee.dropFirst(5))) }
        return false
    }
}
