// Every rule the scanner has, in one table: docs/scan.md lists the same ids (a test keeps the
// two in step), SARIF's `tool.driver.rules` is built from it.

public enum RuleID {
    public static let shellInjection = "shell-injection"
    public static let evalInjection = "eval-injection"
    public static let shellTool = "shell-tool"
    public static let unsandboxedInterpreter = "unsandboxed-code-interpreter"
    public static let allowDangerousCode = "allow-dangerous-code"
    public static let allowDangerousRequests = "allow-dangerous-requests"
    public static let trustRemoteCode = "trust-remote-code"
    public static let sqlInjection = "sql-injection"
    public static let argumentInjection = "argument-injection"
    public static let pathTraversal = "path-traversal"
    public static let ssrf = "ssrf"
    public static let templateInjection = "template-injection"
    public static let unsafeDeserialization = "unsafe-deserialization"
    public static let tlsDisabled = "tls-verification-disabled"
    public static let secret = "hardcoded-secret"
    public static let passwordInURL = "password-in-url"
    public static let dangerousTool = "dangerous-tool-no-approval"
    public static let unboundedLoop = "unbounded-agent-loop"
    public static let systemPromptInjection = "system-prompt-injection"
    public static let mcpFilesystemRoot = "mcp-filesystem-root"
    public static let mcpShellServer = "mcp-shell-server"
    public static let downloadToShell = "download-piped-to-shell"
    public static let containerPrivileged = "container-privileged"
    public static let policyAllowsShell = "policy-allows-shell"
    public static let policySandboxOff = "policy-sandbox-off"
}

public enum RuleCatalog {
    public static let all: [Rule] = [
        Rule(
            id: RuleID.shellInjection, title: "Shell command built from non-constant input", severity: .critical,
            cwe: 78,
            description:
                "A shell (os.system, subprocess with shell=True, child_process.exec, sh -c) runs a command line that is not constant; when it comes from model output or tool input, a prompt injection becomes a command on the host.",
            fix:
                "Pass a fixed argv list without a shell (subprocess.run([\"git\", \"log\", ref]), execFile), quote with shlex.quote, or run the tool through `cordon run` so the gate and the sandbox see every command."
        ),
        Rule(
            id: RuleID.evalInjection, title: "Model or tool output evaluated as code", severity: .critical, cwe: 95,
            description:
                "exec/eval/compile (Python) or eval/new Function/vm (JavaScript) runs text that is not constant: whatever the model writes runs with the agent's privileges.",
            fix:
                "Parse data with json.loads or ast.literal_eval; for real code execution use a sandboxed executor (cordon run, a container) and an approval step."
        ),
        Rule(
            id: RuleID.shellTool, title: "Python REPL or shell tool registered for an agent", severity: .high, cwe: 94,
            description:
                "A tool that runs arbitrary Python or shell (PythonREPLTool, ShellTool, load_tools([\"terminal\"])) hands the model a full interpreter on the host.",
            fix:
                "Replace it with narrow tools that do one thing, or run the REPL inside a sandbox (cordon run, a container) with approval for each execution."
        ),
        Rule(
            id: RuleID.unsandboxedInterpreter, title: "Code interpreter without a sandbox", severity: .high, cwe: 94,
            description:
                "The agent's code executor runs generated code directly on the host (LocalCommandLineCodeExecutor, use_docker=False, executor_type=\"local\", auto_run=True, unsafe_mode).",
            fix:
                "Use a sandboxed executor (DockerCommandLineCodeExecutor, e2b, executor_type=\"docker\") or wrap execution in `cordon run`."
        ),
        Rule(
            id: RuleID.allowDangerousCode, title: "allow_dangerous_code=True", severity: .critical, cwe: 94,
            description:
                "The framework's explicit opt-in to executing model-written Python on the host is switched on.",
            fix: "Remove the flag; if code execution is needed, run it in a sandbox (cordon run, a container)."
        ),
        Rule(
            id: RuleID.allowDangerousRequests, title: "allow_dangerous_requests=True", severity: .high, cwe: 918,
            description:
                "The model may make HTTP requests to any URL it chooses, including internal services and cloud metadata endpoints.",
            fix: "Remove the flag or restrict requests to an allow-list of hosts (cordon's network allow-list)."
        ),
        Rule(
            id: RuleID.trustRemoteCode, title: "trust_remote_code=True", severity: .high, cwe: 829,
            description: "Loading a model runs Python code downloaded with it from the hub.",
            fix: "Pin a reviewed revision (revision=\"<sha>\") or use a model that needs no remote code."
        ),
        Rule(
            id: RuleID.sqlInjection, title: "SQL built by formatting", severity: .high, cwe: 89,
            description:
                "A query is built with an f-string, template literal, concatenation or % formatting from a value that is not constant, then executed.",
            fix:
                "Use placeholders and parameters: cursor.execute(\"SELECT * FROM t WHERE id = ?\", (id,)) / db.query(\"... $1\", [id])."
        ),
        Rule(
            id: RuleID.argumentInjection, title: "Option injection into a program's arguments", severity: .high,
            cwe: 88,
            description:
                "A program run with a fixed argv (git, curl, tar, ...) gets model output or tool input as an argument with no `--` before it: a value starting with '-' becomes an option (`git diff --output=/etc/x`, `git checkout --orphan`, `git clone --upload-pack=...`) and writes files or runs commands.",
            fix:
                "Put `--` before arguments the model chooses (`[\"git\", \"checkout\", \"--\", branch]`), reject values starting with '-', or attach the value to its option (`--branch={b}`)."
        ),
        Rule(
            id: RuleID.pathTraversal, title: "Path traversal in a file tool", severity: .high, cwe: 22,
            description:
                "A tool argument is joined to a base directory and used for a file operation without normalising the result and checking it stays inside the base: `../../etc/passwd` escapes.",
            fix:
                "Resolve the joined path (os.path.realpath / Path.resolve / path.resolve) and check it starts with the resolved base (is_relative_to / commonpath / startsWith(base + sep)) before using it."
        ),
        Rule(
            id: RuleID.ssrf, title: "Request to a model-chosen URL", severity: .high, cwe: 918,
            description:
                "An HTTP request goes to a URL taken from model output or a tool argument with no allow-list: the model can reach internal services and cloud metadata (169.254.169.254).",
            fix:
                "Parse the URL and check its scheme and host against an allow-list before fetching; block private and link-local addresses."
        ),
        Rule(
            id: RuleID.templateInjection, title: "Template built from non-constant input", severity: .high,
            cwe: 1336,
            description:
                "A template engine (Jinja2, Mako, render_template_string, a jinja2 PromptTemplate, EJS, Handlebars, lodash) compiles a template that is not constant: template syntax in model output runs code.",
            fix:
                "Keep templates constant and pass values as variables; use jinja2.sandbox.SandboxedEnvironment for templates that must be dynamic."
        ),
        Rule(
            id: RuleID.unsafeDeserialization, title: "Unsafe deserialisation", severity: .high, cwe: 502,
            description:
                "pickle, marshal, shelve, dill, joblib, torch.load without weights_only, yaml.load without a safe loader or node-serialize can run code while loading data.",
            fix:
                "Use json, yaml.safe_load, torch.load(..., weights_only=True) or safetensors; never load these formats from a path or bytes the model or a user chose."
        ),
        Rule(
            id: RuleID.tlsDisabled, title: "TLS certificate verification disabled", severity: .high, cwe: 295,
            description:
                "verify=False, rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0, curl -k and their kin let anyone on the path read and change the traffic, API keys included.",
            fix: "Remove the setting; for a private CA pass its bundle (verify=\"/path/ca.pem\", NODE_EXTRA_CA_CERTS)."
        ),
        Rule(
            id: RuleID.secret, title: "Secret in code or configuration", severity: .critical, cwe: 798,
            description:
                "An API key, token or private key of a known provider is written in the file (masked in every output of this scanner).",
            fix:
                "Revoke the key now, remove it from the file and its history, and read it from the environment or a secret manager."
        ),
        Rule(
            id: RuleID.passwordInURL, title: "Password in a URL", severity: .high, cwe: 798,
            description: "A connection URL carries a literal password (scheme://user:password@host).",
            fix: "Read the password from the environment (${DB_PASSWORD}) or a secret manager."
        ),
        Rule(
            id: RuleID.dangerousTool, title: "Dangerous tool with no approval step", severity: .high, cwe: 862,
            description:
                "A tool the model can call runs commands, deletes files, sends email or moves money, and nothing in it or around it asks a human first.",
            fix:
                "Require approval (cordon's gate.require_approval, LangGraph interrupt, HumanApprovalCallbackHandler, needsApproval) or narrow the tool."
        ),
        Rule(
            id: RuleID.unboundedLoop, title: "Agent loop with no iteration or cost limit", severity: .medium,
            cwe: 770,
            description:
                "A loop calls the model until it decides to stop (while True, max_iterations=None): a confused or injected model loops forever and spends without bound.",
            fix: "Bound it: a maximum number of iterations, a token or cost budget, and a wall-clock timeout."
        ),
        Rule(
            id: RuleID.systemPromptInjection, title: "Untrusted input in a system prompt", severity: .medium,
            cwe: 1427,
            description:
                "Model output, tool results or user input are concatenated into the system prompt, where they carry the authority of the developer's instructions.",
            fix:
                "Keep the system prompt constant; pass untrusted text as a user or tool message, delimited and labelled as data."
        ),
        Rule(
            id: RuleID.mcpFilesystemRoot, title: "MCP server with access to the whole filesystem", severity: .high,
            cwe: 552,
            description:
                "An MCP filesystem (or container) server is given `/`, the home directory or a host-wide mount, so every file the user can read or write is the model's.",
            fix: "Give the server only the project directory it needs, read-only where possible."
        ),
        Rule(
            id: RuleID.mcpShellServer, title: "MCP shell server", severity: .high, cwe: 78,
            description: "An MCP server that runs shell commands is configured for the agent.",
            fix: "Remove it, or start it through `cordon run` with a policy that gates every command."
        ),
        Rule(
            id: RuleID.downloadToShell, title: "Download piped into a shell", severity: .high, cwe: 494,
            description:
                "A script fetched over the network runs without being checked (curl ... | sh, ADD https://... then RUN).",
            fix: "Download to a file, verify its checksum or signature, then run it."
        ),
        Rule(
            id: RuleID.containerPrivileged, title: "Container with host-level privileges", severity: .high,
            cwe: 250,
            description:
                "The agent's container is privileged, mounts the Docker socket, shares the host network or pid namespace, adds SYS_ADMIN/ALL capabilities or turns off seccomp/AppArmor: a compromised agent owns the host.",
            fix: "Drop the setting; run as a non-root user with the default seccomp profile and no extra capabilities."
        ),
        Rule(
            id: RuleID.policyAllowsShell, title: "cordon policy allows a shell tool", severity: .high, cwe: 78,
            description:
                "The policy's gate.allow lists a tool that runs arbitrary commands (execute_shell, run_command, python_repl, *) so the gate waves it through.",
            fix:
                "Move it to gate.require_approval or gate.block; commands run with `cordon run` are judged by the gate's detectors anyway."
        ),
        Rule(
            id: RuleID.policySandboxOff, title: "cordon policy turns off isolation", severity: .high, cwe: 693,
            description:
                "The policy switches off a layer of the sandbox (sandbox.mode none, seccomp off, host network, monitor disabled).",
            fix: "Restore the default (sandbox.mode: namespaces, seccomp: default, network: none or an allow-list)."
        ),
    ]

    static let byID: [String: Rule] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func rule(_ id: String) -> Rule? { byID[id] }
}
