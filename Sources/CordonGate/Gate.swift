// The gate: action + policy -> decision. Pure and deterministic: no I/O, no clocks, no
// randomness; the same action and policy always give the same decision.
//
// How a decision is made (docs/gate.md has the long form):
// 1. The action is analysed: shell text is parsed, argv taken as is, a tool call's `command`
//    (or `cmd`, `script`) argument parsed as shell. Detectors raise signals (ScoreTable.swift).
// 2. `gate.exceptions` silence named detectors for matching commands.
// 3. Score = strongest signal, + 5 per further distinct detector at 60 or more (at most +10),
//    + 10 when the strongest runs elevated (sudo...), + 10 in environment `production` (when
//    the score is 20 or more); capped at 100.
// 4. Candidates: the thresholds over that score; tool lists (`gate.allow/require_approval/
//    block`, globs on the tool name, `shell` for commands); command lists (`gate.commands`);
//    every matching rule. The strictest decision wins; among equals an explicit rule sets the
//    score, otherwise the highest score does. An allow never silences a detector.
import CordonBase
import CordonPolicy

public enum Gate {
    /// Deterministic: the same action and policy always give the same decision.
    public static func evaluate(_ action: Action, policy: Policy) -> Decision {
        let subject = Subject(action)
        let analysis = subject.analysis
        if let analysis { Detectors.run(analysis) }
        let environment = action.environment ?? policy.environment
        return decide(
            action: action, subject: subject, analysis: analysis, policy: policy, environment: environment
        )
    }
}

/// What the policy matches against: the tool name and the analysed command, if any.
struct Subject {
    var tool: String
    var analysis: Analysis?

    @inline(__always) init(_ action: Action) {
        switch action.payload {
        case .shell(let s):
            tool = "shell"
            analysis = Analysis(shell: s)
        case .argv(let a):
            tool = "shell"
            analysis = a.isEmpty ? Analysis(shell: "") : Analysis(argv: a)
        case .tool(let name, let args):
            // `Bash`, `bash` and `run_shell_command` are one tool to the policy (ToolNames).
            tool = ToolNames.canonical(name)
            let extra = ToolArguments.script(tool: name, args: args)
            switch Subject.command(in: args) {
            case .left(let s)?: analysis = Analysis(shell: extra.map { s + "\n" + $0 } ?? s)
            case .right(let a)?:
                analysis =
                    extra.map { Analysis(shell: quoteJoin(a) + "\n" + $0) }
                    ?? Analysis(argv: a)
            case nil: analysis = extra.map { Analysis(shell: $0) }
            }
        }
    }

    static let commandKeys: Set<String> = [
        "command", "cmd", "script", "shell", "commandLine", "command_line", "code", "argv",
    ]

    enum Either {
        case left(String)
        case right([String])
    }

    /// A command carried inside tool arguments: `{"command": "..."}`, `{"cmd": ...}`,
    /// `{"script": ...}`, or `{"argv": [...]}` (also as a JSON array under `command`).
    static func command(in args: JSONValue) -> Either? {
        for key in ["command", "cmd", "script", "shell", "commandLine", "command_line", "code"] where args[key] != nil {
            if let s = args[key]?.stringValue { return .left(s) }
            if case .array(let items)? = args[key] {
                let strings = items.compactMap(\.stringValue)
                if strings.count == items.count, !strings.isEmpty { return .right(strings) }
            }
        }
        if case .array(let items)? = args["argv"] {
            let strings = items.compactMap(\.stringValue)
            if strings.count == items.count, !strings.isEmpty { return .right(strings) }
        }
        return nil
    }
}

extension Gate {
    /// The programs an action would run, wrappers seen through (`sudo env git push` is `git
    /// push`, `sh -c '…'` its inner commands), each as its program's basename and arguments.
    /// An approval covers exactly these, and a remembered rule matches against them.
    public static func commands(of action: Action) -> [[String]] {
        guard let analysis = Subject(action).analysis else { return [] }
        // `sh -c 'TEXT'` is a wrapper: the commands of TEXT are listed, not the shell itself.
        return analysis.invocations.compactMap { inv in
            let shellWithText =
                ProgramKind.of(inv.program).contains(.shell)
                && inv.args.contains { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("c") }
            return shellWithText ? nil : [inv.program] + inv.args
        }
    }
}
