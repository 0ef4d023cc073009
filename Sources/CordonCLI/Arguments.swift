import CordonPolicy
// A small argument parser: long options with values (`--x V` or `--x=V`), flags, repeated
// options, `--` ending options, and positionals. No package dependencies by design.
import CordonRun

/// One option: what the parser accepts and what `--help` says about it (HelpText renders the
/// options section from these, so the two cannot disagree).
public struct OptionSpec: Sendable {
    public var name: String
    /// The value's placeholder in help (`FILE`, `DUR`), or nil for a flag.
    public var valueName: String?
    public var short: Character?
    /// What it does; `\n` starts a continuation line.
    public var help: String
    public var takesValue: Bool { valueName != nil }

    /// `--name VALUE`.
    public static func value(_ name: String, _ valueName: String, _ help: String, short: Character? = nil) -> OptionSpec
    {
        OptionSpec(name: name, valueName: valueName, short: short, help: help)
    }

    /// `--name`, no value.
    public static func flag(_ name: String, _ help: String, short: Character? = nil) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, short: short, help: help)
    }
}

public struct ParsedArguments: Sendable {
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []
    /// Everything after the first positional when `stopAtPositional` is set, or after `--`.
    public var rest: [String] = []

    public func value(_ name: String) -> String? { values[name]?.last }
    public func all(_ name: String) -> [String] { values[name] ?? [] }
    public func flag(_ name: String) -> Bool { flags.contains(name) }
}

public enum ArgumentParser {
    /// - Parameter stopAtPositional: for `run`/`check`: the first positional starts the
    ///   command, and everything from it on is passed through untouched.
    public static func parse(
        _ args: [String], options: [OptionSpec], command: String, stopAtPositional: Bool = false
    ) throws(CLIError) -> ParsedArguments {
        var out = ParsedArguments()
        var i = 0
        let all = options + [HelpText.helpOption]
        func spec(_ name: String) -> OptionSpec? { all.first { $0.name == name } }
        while i < args.count {
            let a = args[i]
            if a == "--" {
                out.rest = Array(args[(i + 1)...])
                return out
            }
            if a.hasPrefix("--") && a.count > 2 {
                var name = String(a.dropFirst(2))
                var inline: String?
                if let eq = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                guard let s = spec(name) else {
                    let known = all.map(\.name)
                    let hint = Suggest.closest(name, in: known).map { " (did you mean --\($0)?)" } ?? ""
                    throw .usage("unknown option --\(name)\(hint)", command: command)
                }
                if s.takesValue {
                    if let inline {
                        out.values[name, default: []].append(inline)
                    } else {
                        guard i + 1 < args.count else {
                            throw .usage("option --\(name) needs a value", command: command)
                        }
                        i += 1
                        out.values[name, default: []].append(args[i])
                    }
                } else {
                    if inline != nil { throw .usage("option --\(name) takes no value", command: command) }
                    out.flags.insert(name)
                }
            } else if a.hasPrefix("-") && a.count == 2, let c = a.last, c != "-" {
                guard let s = all.first(where: { $0.short == c }) else {
                    throw .usage("unknown option \(a)", command: command)
                }
                if s.takesValue {
                    guard i + 1 < args.count else { throw .usage("option \(a) needs a value", command: command) }
                    i += 1
                    out.values[s.name, default: []].append(args[i])
                } else {
                    out.flags.insert(s.name)
                }
            } else if stopAtPositional {
                out.rest = Array(args[i...])
                return out
            } else {
                out.positionals.append(a)
            }
            i += 1
        }
        return out
    }
}
