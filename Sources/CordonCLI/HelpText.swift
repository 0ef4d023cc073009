// `cordon SUBCOMMAND --help`, rendered from the same option table the parser uses: an option
// is documented exactly when it is accepted.

public struct HelpText: Sendable {
    /// Lines after `usage: ` (one per form of the command).
    var usage: [String]
    /// What the command does, exit statuses: free text.
    var about: String
    /// Titled groups of options (`options`, `filters`, ...), in order.
    var sections: [(title: String, options: [OptionSpec])]
    /// Examples, environment variables, file formats: free text after the options.
    var footer: String = ""

    static let helpOption = OptionSpec.flag("help", "this help", short: "h")

    /// Every option the parser should accept (help is added by the parser itself).
    public var options: [OptionSpec] { sections.flatMap(\.options) }

    /// The options of one section, for a subcommand that parses only those.
    func options(_ title: String) -> [OptionSpec] { sections.first { $0.title == title }?.options ?? [] }

    static let helpColumn = 24

    public var rendered: String {
        var s = "usage: " + usage.joined(separator: "\n       ") + "\n"
        if !about.isEmpty { s += "\n" + about.trimmingTrailingNewlines() + "\n" }
        for (i, section) in sections.enumerated() {
            s += "\n\(section.title):\n"
            var list = section.options
            if i == sections.count - 1 { list.append(Self.helpOption) }
            for o in list { s += Self.line(o) }
        }
        if sections.isEmpty { s += "\noptions:\n" + Self.line(Self.helpOption) }
        if !footer.isEmpty { s += "\n" + footer.trimmingTrailingNewlines() + "\n" }
        return s + "\n"
    }

    /// `  --name VALUE, -x VALUE     help`, continuation lines aligned under the help.
    static func line(_ o: OptionSpec) -> String {
        var left = "  --" + o.name + (o.valueName.map { " " + $0 } ?? "")
        if let c = o.short {
            left += o.name == "help" ? "" : ", -\(c)" + (o.valueName.map { " " + $0 } ?? "")
            if o.name == "help" { left = "  -h, --help" }
        }
        let pad = String(repeating: " ", count: helpColumn)
        let lines = o.help.split(separator: "\n", omittingEmptySubsequences: false)
        var out =
            left.count < helpColumn
            ? left + String(repeating: " ", count: helpColumn - left.count) + (lines.first ?? "") + "\n"
            : left + "\n" + pad + (lines.first ?? "") + "\n"
        for more in lines.dropFirst() { out += pad + more + "\n" }
        return out
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while s.last == "\n" { s.removeLast() }
        return String(s)
    }
}
