// An alert as each channel sends it: the alert JSON (webhook, command stdin, file line), Slack's
// incoming-webhook JSON (`text` for notifications plus `blocks`), and plain text (email, stderr).
import CordonBase

extension Alert {
    /// The alert JSON: one object, the same everywhere (docs/anomaly.md, "Alerts").
    public var json: JSONValue {
        var out: [(String, JSONValue)] = [
            ("v", 1), ("id", .string(id)), ("time", .string(time)), ("kind", .string(kind.rawValue)),
            ("level", .string(level.rawValue)), ("summary", .string(summary)), ("agent", .string(agent)),
            ("project", .string(project)), ("run", .string(run)), ("session", .string(session)),
        ]
        out.append(("score", score.map { .number(($0 * 1000).rounded() / 1000) } ?? .null))
        out.append(("reasons", .array(reasons.map { .string($0) })))
        out.append(("lastDecisions", .array(lastDecisions.map(\.json))))
        out.append(("trace", .string(tracePath)))
        out.append(("commands", .array(commands.map { .string($0) })))
        return .object(out)
    }

    /// The text a person reads first: `[cordon] critical: SUMMARY`.
    public var headline: String { "[cordon] \(level.rawValue): \(summary)" }

    /// Plain text, for email bodies and stderr.
    public var text: String {
        var t = headline + "\n\n"
        t += "agent: \(agent)   project: \(project)\nrun: \(run)   session: \(session)\n"
        if let s = score { t += "score: \(Self.decimal(s))\n" }
        if !reasons.isEmpty { t += "\nwhy:\n" + reasons.map { "  - \($0)\n" }.joined() }
        if !lastDecisions.isEmpty {
            t += "\nlast decisions:\n"
            t += lastDecisions.map {
                "  \($0.decision) \($0.score) \($0.level)\($0.rule.map { " \($0)" } ?? ""): \($0.command)\n"
            }
            .joined()
        }
        t += "\ntrace: \(tracePath)\nsee more:\n" + commands.map { "  \($0)\n" }.joined()
        return t
    }

    /// Slack's incoming-webhook JSON. `text` is what notifications show; the blocks carry the
    /// rest. Slack's mrkdwn needs `&`, `<` and `>` escaped, and caps block text (3000 characters,
    /// 150 for a header), so long fields are cut.
    public func slack(channel: String? = nil) -> JSONValue {
        func md(_ s: String, _ limit: Int = 2900) -> String { Self.cut(Self.slackEscaped(s), limit) }
        func field(_ name: String, _ value: String) -> JSONValue {
            ["type": "mrkdwn", "text": .string("*\(name)*\n\(md(value, 1900))")]
        }
        var facts: [JSONValue] = [
            field("Agent", agent), field("Project", project), field("Run", "`\(run)`"),
            field("Session", "`\(session)`"),
        ]
        if let s = score { facts.append(field("Score", Self.decimal(s))) }
        facts.append(field("Level", level.rawValue))
        var blocks: [JSONValue] = [
            [
                "type": "header",
                "text": ["type": "plain_text", "text": .string(Self.cut("cordon alert: \(level.rawValue)", 150))],
            ],
            ["type": "section", "text": ["type": "mrkdwn", "text": .string("*\(md(summary))*")]],
            ["type": "section", "fields": .array(facts)],
        ]
        if !reasons.isEmpty {
            let list = reasons.map { "• " + Self.slackEscaped($0) }.joined(separator: "\n")
            blocks.append([
                "type": "section", "text": ["type": "mrkdwn", "text": .string(Self.cut("*Why*\n" + list, 2900))],
            ])
        }
        if !lastDecisions.isEmpty {
            let list = lastDecisions.map {
                "`\($0.decision) \($0.score)` \(Self.slackEscaped($0.level)): `\(Self.cut(Self.slackEscaped($0.command), 200))`"
            }.joined(separator: "\n")
            blocks.append(
                [
                    "type": "section",
                    "text": ["type": "mrkdwn", "text": .string(Self.cut("*Last decisions*\n" + list, 2900))],
                ])
        }
        let see = commands.map { "`\(Self.slackEscaped($0))`" }.joined(separator: "\n")
        blocks.append(
            [
                "type": "context",
                "elements": [
                    ["type": "mrkdwn", "text": .string(Self.cut("Trace: `\(md(tracePath, 500))`\n\(see)", 2900))]
                ],
            ])
        var out: [(String, JSONValue)] = [("text", .string(headline)), ("blocks", .array(blocks))]
        if let channel { out.append(("channel", .string(channel))) }
        return .object(out)
    }

    /// The message `sendmail -t` reads: headers (no line breaks can come from the alert: they
    /// would add headers), a blank line, the text.
    public func email(to: String, from: String?) -> String {
        func header(_ s: String) -> String { String(s.map { $0 == "\n" || $0 == "\r" ? " " : $0 }) }
        var m = "To: \(header(to))\n"
        if let from { m += "From: \(header(from))\n" }
        m += "Subject: \(header(Self.cut(headline, 200)))\n"
        m += "Content-Type: text/plain; charset=utf-8\nMIME-Version: 1.0\nX-Cordon-Run: \(header(run))\n\n"
        return m + text
    }

    static func slackEscaped(_ s: String) -> String {
        s.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }

    /// At most `limit` characters, the cut marked with `…`.
    static func cut(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }

    static func decimal(_ d: Double) -> String {
        let thousandths = Int((d * 1000).rounded())
        let frac = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}

extension AlertDecision {
    public var json: JSONValue {
        var out: [(String, JSONValue)] = [
            ("action", .string(action)), ("decision", .string(decision)), ("score", .number(Double(score))),
            ("level", .string(level)),
        ]
        if let rule { out.append(("rule", .string(rule))) }
        out.append(("command", .string(command)))
        return .object(out)
    }
}
