// What the shell parser produces. The gate does not need a full AST: detectors look at simple
// commands, which pipeline they sit in, their redirections, and the scripts nested inside
// (`$(...)`, backticks, `<(...)`, `sh -c`). So a script is flattened into a list of simple
// commands, each tagged with its pipeline, and nested scripts are appended to the same list.

/// One shell word after quote removal. Expansions that cannot be resolved statically stay in
/// `value` as written (`$HOME`, `$(...)`), and `isStatic` is false.
public struct ShellWord: Sendable, Equatable {
    /// The word's value: quotes removed, escapes applied, known variables substituted.
    public var value: String
    /// No unresolved parameter, command or arithmetic expansion in it.
    public var isStatic: Bool
    /// Some part was quoted (so `*` is not a glob, `~` not a home).
    public var quoted: Bool
    /// Written with `$'...'` hex or octal escapes: a classic way to hide a program name.
    public var hexEscaped: Bool
    /// Pipelines of command and process substitutions inside this word.
    public var substitutions: [Int]
    /// The word is a process substitution `<(...)` / `>(...)`.
    public var isProcessSubstitution: Bool
    /// An unquoted variable whose value has blanks was substituted: the shell splits it into
    /// words (`X="base64 -d"; ... | $X` runs `base64` with `-d`).
    public var splitsIntoWords: Bool

    public init(value: String) {
        self.value = value
        self.isStatic = true
        self.quoted = false
        self.hexEscaped = false
        self.substitutions = []
        self.isProcessSubstitution = false
        self.splitsIntoWords = false
    }
}

public struct ShellRedirect: Sendable, Equatable {
    /// The operator: `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `&>`, `&>>`, `<<`, `<<-`, `<<<`.
    public var op: String
    /// Explicit file descriptor before the operator (`2>`), if any.
    public var fd: Int?
    public var target: ShellWord
    /// Body of a here-document (`<<EOF`), or the here-string text.
    public var hereText: String?

    public var isOutput: Bool { op.hasPrefix(">") || op == "&>" || op == "&>>" || op == "<>" }
    public var isInput: Bool { op == "<" || op == "<>" || op == "<&" }
}

public struct SimpleCommand: Sendable, Equatable {
    /// `NAME=value` words before the command name.
    public var assignments: [(name: String, value: ShellWord)]
    public var words: [ShellWord]
    public var redirects: [ShellRedirect]
    /// Index into `ParsedScript.pipelines`.
    public var pipeline: Int
    /// Position in its pipeline (0 = first).
    public var position: Int
    /// Nesting depth (0 = top level; substitutions and `sh -c` add one).
    public var depth: Int
    /// The command's source text (cut to 200 bytes), for evidence.
    public var text: String
    /// Inside a function body, a loop or a condition; or run in the background.
    public var inLoop: Bool
    public var background: Bool

    public static func == (a: SimpleCommand, b: SimpleCommand) -> Bool {
        a.words == b.words && a.redirects == b.redirects && a.pipeline == b.pipeline
            && a.position == b.position && a.assignments.map(\.name) == b.assignments.map(\.name)
            && a.assignments.map(\.value) == b.assignments.map(\.value)
    }
}

/// A function defined in the script (`f() { ...; }`): the fork-bomb detector needs its body.
public struct ShellFunction: Sendable, Equatable {
    public var name: String
    /// Indices of commands inside the body.
    public var commands: [Int]
}

/// Why parsing stopped or what it could not read. Any of these makes the command suspicious.
public struct ParseProblem: Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Byte offset in the text where parsing stopped.
    public var offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

public struct ParsedScript: Sendable {
    /// The source the offsets point into.
    public var text: String
    public var commands: [SimpleCommand] = []
    /// How many pipelines were opened (some hold no command: `$(( ))`, a function body).
    public var pipelineCount = 0
    /// For each pipeline: the indices of its commands, in order. Computed from the commands'
    /// `pipeline` (commands are appended in order, so each list is ascending, as when it was
    /// stored): storing it allocated an array per pipeline on every parse, and only nested
    /// payload analysis ever reads it.
    public var pipelines: [[Int]] {
        var out = [[Int]](repeating: [], count: pipelineCount)
        for (k, c) in commands.enumerated() { out[c.pipeline].append(k) }
        return out
    }
    public var functions: [ShellFunction] = []
    public var problems: [ParseProblem] = []
    /// Commands that are only an assignment (`X=1`), kept for the persistence and evasion
    /// detectors (`PROMPT_COMMAND=...`, `HISTFILE=/dev/null`).
    public var bareAssignments: [(name: String, value: ShellWord)] = []
    /// `unset NAME`/`export -n` and friends are ordinary commands; nothing special here.
    public init(text: String) { self.text = text }
}
