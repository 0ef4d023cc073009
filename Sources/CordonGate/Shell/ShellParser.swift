// A recursive-descent parser for the sh/bash agents write, over UTF-8 bytes. It flattens the
// script into simple commands (see ShellSyntax.swift). Work is bounded: nesting deeper than
// `maxDepth` and scripts with more than `maxCommands` commands stop the parse with a problem,
// so hostile input (10,000-deep `$(`, megabyte one-liners) costs linear time and bounded stack.

struct ShellParser {
    static let maxDepth = 64
    /// Commands and words (arguments, redirections and assignments of every command, nested
    /// ones included) a script may hold. The detectors spend about 1-2 µs per command and up
    /// to ~1 µs per word, so these bound a decision to a few tens of milliseconds whatever
    /// the input (issue 19: 1 MiB of `ls;` took 0.4 s at the old 20,000 commands). A script
    /// past them is not allowed unread: it gets an `unparseable` finding.
    static let maxCommands = 10_000
    static let maxWords = 30_000

    let b: [UInt8]
    var i = 0
    let sink: ScriptSink
    var depth: Int
    /// Static values of variables assigned earlier in the script (`LFILE=/etc/shadow`).
    var vars: [String: String]
    /// Here-documents waiting for the next newline: (command, redirect, delimiter, strip tabs).
    var pendingHeredocs: [(Int, Int, String, Bool)] = []
    /// Offset of this text inside the top-level text, for problem positions.
    let base: Int
    var loopDepth = 0

    init(bytes: [UInt8], sink: ScriptSink, depth: Int, vars: [String: String], base: Int = 0) {
        self.b = bytes
        self.sink = sink
        self.depth = depth
        self.vars = vars
        self.base = base
    }

    /// Parses `text` (at nesting `depth`) and appends its commands to `sink`.
    static func parse(_ text: String, into sink: ScriptSink, depth: Int, vars: [String: String] = [:]) {
        guard sink.spend(text.utf8.count, at: 0) else { return }
        var p = ShellParser(bytes: Array(text.utf8), sink: sink, depth: depth, vars: vars)
        p.parseScript()
    }

    var atEnd: Bool { i >= b.count || sink.abandoned }
    func peek(_ k: Int = 0) -> UInt8 { i + k < b.count ? b[i + k] : 0 }

    mutating func parseScript() {
        if depth > Self.maxDepth {
            sink.fail("nesting deeper than \(Self.maxDepth) levels", at: base + i)
            return
        }
        parseList(stop: [])
        if !atEnd {
            sink.fail("unexpected '\(Character(Unicode.Scalar(peek())))'", at: base + i)
        }
    }

    // MARK: lists, and-or lists, pipelines

    /// Terminators: ")" (subshell, substitution), "}" (group), ";;" and "esac" (case arm).
    mutating func parseList(stop: Terminators) {
        while true {
            skipBlanksAndNewlines()
            if atEnd { return }
            if stop.contains(.paren) && peek() == UInt8(ascii: ")") { return }
            if stop.contains(.caseArm) && peek() == UInt8(ascii: ";")
                && (peek(1) == UInt8(ascii: ";") || peek(1) == UInt8(ascii: "&"))
            {
                return
            }
            if let w = peekReservedWord(), stop.stops(at: w) { return }
            let before = i
            let firstCommand = sink.script.commands.count
            parseAndOr(stop: stop)
            skipBlanks()
            if peek() == UInt8(ascii: "&") && peek(1) != UInt8(ascii: "&") && peek(1) != UInt8(ascii: ">") {
                i += 1
                for k in firstCommand..<sink.script.commands.count {
                    sink.script.commands[k].background = true
                }
            } else if peek() == UInt8(ascii: ";") && peek(1) != UInt8(ascii: ";")
                && !(stop.contains(.caseArm) && peek(1) == UInt8(ascii: "&"))
            {
                i += 1
            }
            if i == before && !atEnd {
                // Nothing consumed: an operator in a place the grammar does not allow. Report it
                // and stop rather than loop.
                sink.fail("unexpected '\(Character(Unicode.Scalar(peek())))'", at: base + i)
                return
            }
        }
    }

    mutating func parseAndOr(stop: Terminators) {
        var before = i
        parsePipeline(stop: stop)
        while !atEnd {
            skipBlanks()
            let c0 = peek()
            let c1 = peek(1)
            guard (c0 == UInt8(ascii: "&") && c1 == c0) || (c0 == UInt8(ascii: "|") && c1 == c0) else {
                return
            }
            if i == before {
                sink.fail(
                    "'\(c0 == UInt8(ascii: "&") ? "&&" : "||")' with no command before it", at: base + i)
                return
            }
            i += 2
            before = i
            skipBlanksAndNewlines()
            parsePipeline(stop: stop)
        }
    }

    mutating func parsePipeline(stop: Terminators) {
        let id = sink.script.pipelineCount
        sink.script.pipelineCount += 1
        var position = 0
        while !atEnd {
            skipBlanks()
            let start = i
            parseCommand(pipeline: id, position: position, stop: stop)
            position += 1
            let empty = i == start
            skipBlanks()
            if peek() == UInt8(ascii: "|") && peek(1) != UInt8(ascii: "|") {
                if empty {
                    sink.fail("'|' with no command before it", at: base + i)
                    return
                }
                i += peek(1) == UInt8(ascii: "&") ? 2 : 1
                skipBlanksAndNewlines()
                continue
            }
            return
        }
    }

    // MARK: commands

    mutating func parseCommand(pipeline: Int, position: Int, stop: Terminators) {
        skipBlanks()
        if atEnd { return }
        let start = i
        if peek() == UInt8(ascii: "(") {
            if peek(1) == UInt8(ascii: "(") {
                skipArithmetic(from: i + 2)
                return
            }
            i += 1
            nested { $0.parseList(stop: .paren) }
            expect(")", openedAt: start)
            emit(
                SimpleCommand.empty(pipeline: pipeline, position: position, depth: depth), start: start,
                redirectsOnly: true)
            return
        }
        var cmd = SimpleCommand.empty(pipeline: pipeline, position: position, depth: depth)
        // Room for most commands' words up front, so few commands grow the array. Capacity only:
        // the words parsed are the same whatever is reserved. Figures: docs/benchmarks-gate.md.
        cmd.words.reserveCapacity(8)
        while !atEnd {
            skipBlanks()
            let c = peek()
            if atEnd || c == UInt8(ascii: "\n") || c == UInt8(ascii: ";") || c == UInt8(ascii: "|")
                || c == UInt8(ascii: ")") || (c == UInt8(ascii: "&") && peek(1) != UInt8(ascii: ">"))
            {
                break
            }
            if c == UInt8(ascii: "(") {
                // `name() { ...; }`: a function definition.
                if peek(1) == UInt8(ascii: ")"), cmd.words.count == 1 {
                    i += 2
                    parseFunctionBody(name: cmd.words[0].value)
                    return
                }
                sink.fail("unexpected '('", at: base + i)
                return
            }
            if let r = readRedirect() {
                cmd.redirects.append(r)
                if !countWord() { break }
                continue
            }
            if cmd.words.isEmpty {
                if let w = peekReservedWord() {
                    if stop.stops(at: w) { break }
                    if handleReservedWord(w, stop: stop) { continue }
                }
                if let (name, value) = readAssignment() {
                    cmd.assignments.append((name, value))
                    if !countWord() { break }
                    continue
                }
            }
            let w = readWord()
            if w.value.eq("function") && cmd.words.isEmpty && !w.quoted {
                skipBlanks()
                let name = readWord().value
                skipBlanks()
                if peek() == UInt8(ascii: "(") && peek(1) == UInt8(ascii: ")") { i += 2 }
                parseFunctionBody(name: name)
                return
            }
            cmd.words.append(w)
            if !countWord() { break }
        }
        emit(cmd, start: start, redirectsOnly: false)
    }

    /// Reserved words are flattened away: the commands inside `if`, `while`, `{ }` are analysed
    /// as if written in sequence, which is what matters for intent. Returns true if consumed.
    mutating func handleReservedWord(_ w: String, stop: Terminators) -> Bool {
        switch w {
        case "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac":
            i += w.utf8.count
            if w == "while" || w == "until" || w == "do" { loopDepth += 1 }
            if w == "done" { loopDepth = max(0, loopDepth - 1) }
            return true
        case "for", "select":
            // `for NAME in WORDS;` : the loop header runs nothing.
            i += w.utf8.count
            if peek() == UInt8(ascii: " ") && peek(1) == UInt8(ascii: "(") && peek(2) == UInt8(ascii: "(") {
                i += 1
            }
            if peek() == UInt8(ascii: "(") && peek(1) == UInt8(ascii: "(") { skipArithmetic(from: i + 2) }
            while !atEnd {
                skipBlanks()
                let c = peek()
                if c == UInt8(ascii: ";") || c == UInt8(ascii: "\n") || atEnd { break }
                if peekReservedWord() == "do" { break }
                _ = readWord()
            }
            if peek() == UInt8(ascii: ";") { i += 1 }
            loopDepth += 1
            return true
        case "case":
            i += 4
            parseCase()
            return true
        default:
            return false
        }
    }

    mutating func parseCase() {
        skipBlanks()
        _ = readWord()
        skipBlanksAndNewlines()
        if peekReservedWord() == "in" { i += 2 }
        while !atEnd {
            skipBlanksAndNewlines()
            if peekReservedWord() == "esac" {
                i += 4
                return
            }
            if peek() == UInt8(ascii: "(") { i += 1 }
            // Pattern words up to `)`.
            while !atEnd && peek() != UInt8(ascii: ")") {
                skipBlanks()
                if peek() == UInt8(ascii: "|") || peek() == UInt8(ascii: "\n") {
                    i += 1
                    continue
                }
                if peek() == UInt8(ascii: ")") { break }
                let before = i
                _ = readWord()
                if i == before {
                    sink.fail("malformed case pattern", at: base + i)
                    return
                }
            }
            if atEnd { break }
            i += 1
            parseList(stop: [.caseArm, .esac])
            if peek() == UInt8(ascii: ";")
                && (peek(1) == UInt8(ascii: ";") || peek(1) == UInt8(ascii: "&"))
            {
                i += 2
                if peek() == UInt8(ascii: "&") { i += 1 }
            }
        }
        if !sink.abandoned { sink.fail("unterminated case (no esac)", at: base + i) }
    }

    mutating func parseFunctionBody(name: String) {
        skipBlanksAndNewlines()
        let first = sink.script.commands.count
        if peekReservedWord() == "{" {
            let open = i
            i += 1
            nested { $0.parseList(stop: .brace) }
            if peekReservedWord() == "}" {
                i += 1
            } else if !sink.abandoned {
                sink.fail("unterminated '{' (no '}')", at: base + open)
            }
        } else if peek() == UInt8(ascii: "(") {
            let open = i
            i += 1
            nested { $0.parseList(stop: .paren) }
            expect(")", openedAt: open)
        } else {
            let id = sink.script.pipelineCount
            sink.script.pipelineCount += 1
            parseCommand(pipeline: id, position: 0, stop: [])
        }
        sink.script.functions.append(
            ShellFunction(name: name, commands: Array(first..<sink.script.commands.count)))
    }

    /// Counts one word against `maxWords`; false (and the parse stops) past it.
    mutating func countWord() -> Bool {
        sink.words += 1
        if sink.words <= Self.maxWords { return true }
        sink.fail("more than \(Self.maxWords) words", at: base + i)
        return false
    }

    /// Runs `body` one nesting level deeper, failing cleanly past the limit.
    mutating func nested(_ body: (inout ShellParser) -> Void) {
        if depth >= Self.maxDepth {
            sink.fail("nesting deeper than \(Self.maxDepth) levels", at: base + i)
            return
        }
        depth += 1
        body(&self)
        depth -= 1
    }

    mutating func expect(_ close: Character, openedAt: Int) {
        if sink.abandoned { return }
        if let a = close.asciiValue, peek() == a, i < b.count {
            i += 1
        } else {
            sink.fail("unterminated '\(close == ")" ? "(" : "{")' (no '\(close)')", at: base + openedAt)
        }
    }

    /// `cmd` is consumed: it is moved into the script (an owned copy then an append copied it twice).
    mutating func emit(_ cmd: consuming SimpleCommand, start: Int, redirectsOnly: Bool) {
        if redirectsOnly {
            // Redirections after a subshell: `( ... ) > /etc/x` still writes /etc/x.
            while !atEnd {
                skipBlanks()
                guard let r = readRedirect() else { break }
                cmd.redirects.append(r)
            }
            if cmd.redirects.isEmpty { return }
        }
        if cmd.words.isEmpty && cmd.redirects.isEmpty && cmd.assignments.isEmpty { return }
        if sink.script.commands.count >= Self.maxCommands {
            sink.fail("more than \(Self.maxCommands) commands", at: base + i)
            return
        }
        if cmd.words.isEmpty && cmd.redirects.isEmpty {
            for (name, value) in cmd.assignments {
                sink.script.bareAssignments.append((name, value))
                vars[name] = value.isStatic ? value.value : lookedUpProgram(value.value)
            }
        }
        if let first = cmd.words.first?.value, isDeclarationBuiltin(first) {
            for w in cmd.words.dropFirst() {
                if w.value.containsByte(UInt8(ascii: "=")), let eq = w.value.firstIndex(of: "="),
                    eq != w.value.startIndex
                {
                    let name = String(w.value[..<eq])
                    let value = ShellWord(value: String(w.value[w.value.index(after: eq)...]))
                    sink.script.bareAssignments.append((name, value))
                    vars[name] = w.isStatic ? value.value : lookedUpProgram(value.value)
                }
            }
        }
        var end = min(i, b.count)
        let s = min(start, end)
        while end > s && (b[end - 1] == UInt8(ascii: " ") || b[end - 1] == UInt8(ascii: "\t")) {
            end -= 1
        }
        let cut = min(end, s + 200)
        cmd.text = String(decoding: b[s..<cut], as: UTF8.self)
        if cut < end { cmd.text += "..." }
        cmd.inLoop = loopDepth > 0
        let index = sink.script.commands.count
        for (k, r) in cmd.redirects.enumerated() where r.op == "<<" || r.op == "<<-" {
            pendingHeredocs.append((index, k, r.target.value, r.op == "<<-"))
        }
        sink.script.commands.append(cmd)
    }
}

/// `export`, `declare`, `local`, `readonly`, `typeset`: their `NAME=value` arguments assign.
/// A switch over the names instead of an array literal, which was built, searched and
/// destroyed for every command parsed.
private func isDeclarationBuiltin(_ w: String) -> Bool {
    switch Name(w) {
    case "export", "declare", "local", "readonly", "typeset": true
    default: false
    }
}

extension SimpleCommand {
    static func empty(pipeline: Int, position: Int, depth: Int) -> SimpleCommand {
        SimpleCommand(
            assignments: [], words: [], redirects: [], pipeline: pipeline, position: position,
            depth: depth,
            text: "", inLoop: false, background: false)
    }
}

/// Where a nested list ends: `)` (subshell, substitution), `}` (group, function body), `;;`
/// and `esac` (a case arm).
struct Terminators: OptionSet {
    let rawValue: UInt8
    static let paren = Terminators(rawValue: 1)
    static let brace = Terminators(rawValue: 2)
    static let caseArm = Terminators(rawValue: 4)
    static let esac = Terminators(rawValue: 8)

    /// Whether the reserved word `w` ends the list.
    func stops(at w: String) -> Bool {
        (w == "}" && contains(.brace)) || (w == "esac" && contains(.esac))
    }
}
