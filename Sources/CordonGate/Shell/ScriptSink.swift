// Where parsing a script and every script nested in it (backquotes, `sh -c`, `eval`...) puts
// its commands, and the limits they share: the first problem abandons the whole parse, and the
// repeated-text budget bounds nested parsing to a multiple of the input (issue 19).

/// Accumulates commands from a parser and its nested parsers (backticks, `sh -c` strings).
final class ScriptSink {
    var script: ParsedScript
    /// Once a limit is hit, every parser sharing this sink stops: one problem, not thousands.
    var abandoned = false
    /// Bytes of text handled again beyond the input: scripts parsed one level down (`sh -c`,
    /// `eval`, backquotes, `ssh HOST CMD`) and substitution text kept in the words around it.
    /// Each level of `sh -c "$(sh -c "$(...)")"` parses the text inside again, so without a
    /// bound a short input costs time exponential in its nesting, and 1 MiB of `$(` 60 deep
    /// costs 60 MiB of words to scan.
    var spent = 0
    /// Words, redirections and assignments parsed so far, nested scripts included.
    var words = 0
    /// What `spent` may reach: a multiple of the input, so decision time stays linear in it.
    var budget: Int
    init(text: String) {
        script = ParsedScript(text: text)
        budget = Self.budget(forInput: text.utf8.count)
    }

    /// Eight times the input, and 64 KiB for short inputs whose legitimate nesting
    /// (`sudo sh -c "cd x && $(...)"`) can be a larger multiple of their size.
    static func budget(forInput n: Int) -> Int { 8 * n + (64 << 10) }

    /// Charges `n` bytes of repeated work; past the budget, parsing stops with a problem (fail
    /// closed: an `unparseable` finding) and false is returned.
    func spend(_ n: Int, at offset: Int) -> Bool {
        spent += n
        if spent <= budget { return true }
        fail("more than \(budget) bytes of nested scripts and substitutions", at: offset)
        return false
    }

    func fail(_ message: String, at offset: Int) {
        if !abandoned { script.problems.append(ParseProblem(message: message, offset: offset)) }
        abandoned = true
    }
}

public enum Shell {
    /// Parses a whole text and returns the flattened script. Never fails: what it cannot read
    /// is listed in `problems`.
    public static func parse(_ text: String) -> ParsedScript {
        let sink = ScriptSink(text: text)
        ShellParser.parse(text, into: sink, depth: 0)
        return sink.script
    }
}
