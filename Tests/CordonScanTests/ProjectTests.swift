// Tools registered in one file and defined in another (ToolRegistrations): each folder under
// Projects/ is a small agent project in the shape of a framework's documented usage (agentscope's
// ServiceToolkit.add, LlamaIndex's FunctionTool.from_defaults, LangChain's Tool(func=...), an
// OpenAI tools.json, an MCP server's Tool(name=, inputSchema=), a project's own BaseTool
// subclass, smolagents' tools=[Instance()], the AI SDK's tool({execute}), crewAI tools calling
// helpers of another module with the model's arguments). Scanned as a project,
// each file yields exactly its `expect:` marks; scanned alone, a marked file misses them (the
// registration is in another file) or finds them at a lower severity, so the project pass is
// what finds them. Unmarked functions
// beside them are the near misses: unregistered, registered by a non-toolkit (`atexit`),
// described without a schema, fixed-host, or
// an argument the calling tool fixed.
import CordonBase
import CordonScan
import CordonTestSupport
import Testing

@Suite("project pass: tools registered in another file")
struct ProjectTests {
    static let root = Repository.path("Tests/CordonScanTests/Projects")
    static let projects = ["toolkit", "schemas", "classes", "js", "callers", "methods"]

    /// Scans `dir` as a project and answers, per file (relative to it), its counted findings as
    /// "LINE RULE".
    static func countedLines(_ dir: String) throws -> (String) -> Set<String> {
        var req = ScanRequest(paths: [dir])
        req.recursive = true
        req.base = dir
        let report = try ProjectScanner.scan(req)
        return { path in
            Set(report.files.first { $0.path == path }?.findings.filter(\.counts).map { "\($0.line) \($0.rule)" } ?? [])
        }
    }

    static func marks(_ dir: String, _ rel: String) throws -> Set<String> {
        Fixtures.marks(in: String(decoding: try FileIO.readFile(dir + "/" + rel), as: UTF8.self))
    }

    @Test("each file of a project yields exactly its marks, and alone misses them", arguments: projects)
    func project(_ name: String) throws {
        let dir = Self.root + "/" + name
        var req = ScanRequest(paths: [dir])
        req.recursive = true
        req.base = dir
        let report = try ProjectScanner.scan(req)
        #expect(report.files.count >= 2)
        var marked = 0
        for file in report.files where file.skipped == nil {
            let want = try Self.marks(dir, file.path)
            let got = Set(file.findings.filter(\.counts).map { "\($0.line) \($0.rule)" })
            #expect(got == want, "\(name)/\(file.path): got \(got.sorted()), want \(want.sorted())")
            guard !want.isEmpty else { continue }
            marked += 1
            let bytes = try FileIO.readFile(dir + "/" + file.path)
            let alone = FileScanner.scan(path: file.path, kind: file.language, bytes: bytes)
            // With its severity: a shell command of unknown origin is already HIGH alone, and
            // CRITICAL once the model is known to write it.
            let graded = { (r: FileReport) in
                Set(r.findings.filter(\.counts).map { "\($0.line) \($0.rule) \($0.severity)" })
            }
            #expect(!graded(file).isSubset(of: graded(alone)), "\(name)/\(file.path) is found without the project pass")
        }
        #expect(marked >= 1, "\(name): no marked file")
    }

    @Test("a path getter of another module joining the tool's file name by string concatenation is the finding")
    func concatenatedResourcePaths() throws {
        let dir = Self.root + "/resources"
        let lines = try Self.countedLines(dir)
        // Both getters a tool hands the model's file name to (by position, by keyword); not the
        // one called with a generated name, the one that resolves and checks, or the URL join.
        #expect(lines("helper/resource_helper.py") == ["18 path-traversal", "23 path-traversal"])
        // The delete tool asks first; the read tool only returns the path.
        #expect(lines("tools/file_tools.py").isEmpty)
        let helper = dir + "/helper/resource_helper.py"
        let alone = FileScanner.scan(
            path: "helper/resource_helper.py", kind: .python, bytes: try FileIO.readFile(helper))
        #expect(alone.findings.filter(\.counts).isEmpty, "alone, the getters' parameters are nobody's")
    }

    @Test("a function of another module that runs its argument in a shell: the caller's built line is the finding")
    func shellRunners() throws {
        let dir = Self.root + "/runners"
        let lines = try Self.countedLines(dir)
        // The runner's own sink, as alone; the caller's line built from the model's keys (13), not
        // the one built from a constant (16).
        #expect(lines("computer/sys_utils.py") == ["6 shell-injection"])
        #expect(lines("computer/computer_use.py") == ["13 shell-injection"])
        let caller = dir + "/computer/computer_use.py"
        let alone = FileScanner.scan(
            path: "computer/computer_use.py", kind: .python, bytes: try FileIO.readFile(caller))
        #expect(alone.findings.filter(\.counts).isEmpty, "the runner is in another file: alone nothing is known")
    }

    @Test("a tool handing the model's command, by keyword, to an ssh runner of another module is the finding")
    func sshRunner() throws {
        let dir = Self.root + "/runners/ssh"
        let lines = try Self.countedLines(dir)
        // The runner's ssh argv (8), not its fixed `uptime`; the tool passing `command=command`
        // (15), not the one passing a constant (19) nor the operator's CLI (26).
        #expect(lines("remote.py") == ["8 shell-injection"])
        #expect(lines("server.py") == ["15 shell-injection"])
        let alone = FileScanner.scan(path: "server.py", kind: .python, bytes: try FileIO.readFile(dir + "/server.py"))
        #expect(alone.findings.filter(\.counts).isEmpty, "alone, the runner's shell is unknown")
    }

    @Test("a tool handing the model's code to an exec method of another module's instance is the finding")
    func codeRunner() throws {
        let dir = Self.root + "/runners/interpreter"
        let lines = try Self.countedLines(dir)
        // The method's exec (14); the tool handing it `code` (13), not the fixed snippet (18) nor
        // the method that only reads a variable (23).
        #expect(lines("executor.py") == ["14 eval-injection"])
        #expect(lines("server.py") == ["13 eval-injection"])
        let alone = FileScanner.scan(path: "server.py", kind: .python, bytes: try FileIO.readFile(dir + "/server.py"))
        #expect(alone.findings.filter(\.counts).isEmpty, "alone, what the method does is unknown")
    }

    @Test("the cache keeps what a file registers: a second scan from the cache finds the same")
    func cached() throws {
        let dir = Self.root + "/toolkit"
        let cache = Scratch()
        var req = ScanRequest(paths: [dir])
        req.recursive = true
        req.base = dir
        req.cacheDirectory = cache.path
        let first = try ProjectScanner.scan(req)
        let second = try ProjectScanner.scan(req)
        let lines = { (r: ScanReport) in r.findings.map { "\($0.file):\($0.line) \($0.rule)" }.sorted() }
        #expect(lines(first) == lines(second))
        #expect(lines(second).contains("app/ops/shell_ops.py:6 shell-injection"))
    }

    @Test("a JSON file's function schemas register names; a description without parameters does not")
    func jsonSchemas() throws {
        let schemas = #"[{"name": "run_query", "parameters": {}}, {"name": "status", "description": "x"}]"#
        #expect(ProjectScanner.schemaNames(Array(schemas.utf8)) == ["run_query"])
        #expect(ProjectScanner.schemaNames(Array(#"{"name": "app", "version": "1.0.0"}"#.utf8)).isEmpty)
        // A `name` and `parameters` of different objects are no schema.
        #expect(ProjectScanner.schemaNames(Array(#"{"a": {"name": "x"}, "parameters": {}}"#.utf8)).isEmpty)
    }
}
