// A tool that hands the model's arguments to a function of another module of the project
// (`from .shell_utils import run_command` ... `return run_command(cmd)`, or
// `git_ops.commit(message)`): the caller makes those parameters of that function the model's.
// `arg:NAME:POSITION` or `arg:NAME:KEYWORD` goes to the project pass (ToolRegistrations); the
// file that defines NAME is analysed again with it.

extension CodeRules {
    mutating func noteImportedCall(_ c: Call, _ scope: Scope, _ code: Code) {
        guard scope.inTool, !c.onExpression, !c.known, !c.args.isEmpty || !c.keywords.isEmpty else { return }
        let name: String
        if c.segments.count == 1, let path = code.aliases[c.last], path.contains(".") {
            // `from pkg.mod import f as g`: the function is `f` of `pkg.mod`.
            name = path.split(separator: ".").last.map(String.init) ?? c.last
        } else if c.segments.count == 2, code.modules.contains(c.segments[0]) || code.aliases[c.segments[0]] != nil {
            name = c.last
        } else {
            return
        }
        guard !ProjectTools.tooGeneric.contains(name) else { return }
        // Only the arguments the model chose: `download(url, "/tmp/out")` makes `url` the
        // model's, not the destination.
        for (i, r) in c.args.enumerated() where code.origin(r, scope) == .untrusted {
            passesToImported.insert("arg:\(name):\(i)")
        }
        for (k, r) in c.keywords where code.origin(r, scope) == .untrusted {
            passesToImported.insert("arg:\(name):\(k)")
        }
    }
}
