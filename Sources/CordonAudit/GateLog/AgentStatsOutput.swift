// `cordon stats` output: a short table per agent for people, one JSON object for programs.
// Names from the log (agents, programs, tools) are shown escaped as in the log itself, so a
// name with a newline or a bidi override stays on its line and shows what it is.
import CordonBase

extension AgentStats {
    /// Top entries kept in each ranking.
    public static let top = 10

    public var json: JSONValue {
        func ranking(_ d: [ActionName: Int]) -> JSONValue {
            .array(
                Self.ranked(d, limit: Self.top).map {
                    .object([
                        ("name", .string($0.name.name)), ("kind", .string($0.name.kind.rawValue)),
                        ("count", .number(Double($0.count))),
                    ])
                })
        }
        func rounded(_ x: Double) -> JSONValue { .number((x * 10_000).rounded() / 10_000) }
        return .object([
            ("actions", .number(Double(actions))), ("allow", .number(Double(allow))),
            ("requires_approval", .number(Double(requiresApproval))), ("block", .number(Double(block))),
            (
                "shares",
                .object([
                    ("allow", rounded(share(allow))), ("requires_approval", rounded(share(requiresApproval))),
                    ("block", rounded(share(block))),
                ])
            ),
            (
                "approvals",
                .object([
                    ("requested", .number(Double(requested))), ("approved", .number(Double(approved))),
                    ("rejected", .number(Double(rejected))), ("expired", .number(Double(expired))),
                    ("cancelled", .number(Double(cancelled))),
                    ("decided", .number(Double(decideMilliseconds.count))),
                    ("medianSecondsToDecide", medianSecondsToDecide.map { .number($0) } ?? .null),
                ])
            ),
            ("topPrograms", ranking(used)), ("topBlocked", ranking(blocked)),
            ("monitorDenials", .number(Double(monitorDenials))),
        ])
    }

    /// The rows of one agent's table, indented under its heading.
    func text() -> String {
        func row(_ label: String, _ value: String) -> String {
            "  " + label + String(repeating: " ", count: max(1, 22 - label.count)) + value + "\n"
        }
        func counted(_ label: String, _ n: Int) -> String {
            let pct = (share(n) * 1000).rounded() / 10
            return row(label, String(n).leftPadded(8) + "  " + (String(pct) + "%").leftPadded(6))
        }
        func list(_ d: [ActionName: Int]) -> String {
            let items = Self.ranked(d, limit: Self.top)
            if items.isEmpty { return "-" }
            return items.map {
                AgentStatsReport.shown($0.name.name) + ($0.name.kind == .tool ? " (tool)" : "") + " \($0.count)"
            }
            .joined(separator: ", ")
        }
        var s = row("actions", String(actions).leftPadded(8))
        s += counted("allow", allow)
        s += counted("requires_approval", requiresApproval)
        s += counted("block", block)
        s += row("monitor denials", String(monitorDenials).leftPadded(8))
        s += row(
            "approvals",
            "requested \(requested), approved \(approved), rejected \(rejected), expired \(expired), cancelled \(cancelled)"
        )
        if let m = medianSecondsToDecide {
            s += row("median to decide", "\(Self.seconds(m)) (\(decideMilliseconds.count) decided)")
        } else {
            s += row("median to decide", "-")
        }
        s += row("top programs", list(used))
        s += row("top blocked", list(blocked))
        return s
    }

    /// Seconds with at most one decimal under a minute, else minutes or hours too.
    static func seconds(_ x: Double) -> String {
        let tenths = (x * 10).rounded() / 10
        if x < 60 { return "\(tenths) s" }
        let m = Int(x.rounded()) / 60
        let sec = Int(x.rounded()) % 60
        if m < 60 { return "\(m) min \(sec) s" }
        return "\(m / 60) h \(m % 60) min"
    }
}

extension AgentStatsReport {
    static func shown(_ name: String) -> String {
        if name.isEmpty { return "-" }
        var out: [UInt8] = []
        Logfmt.appendValue(name, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public var json: JSONValue {
        .object([
            ("since", query.since.map { .string($0.description) } ?? .null),
            ("files", .array(files.map { .string($0) })), ("lines", .number(Double(lines))),
            ("malformed", .number(Double(malformed))),
            (
                "agents",
                .array(
                    agents.map { a in
                        guard case .object(let pairs) = a.stats.json else { return .null }
                        return .object([("agent", .string(a.agent))] + pairs)
                    })
            ),
            ("total", total.json),
        ])
    }

    public var text: String {
        var s = "\(lines) line\(lines == 1 ? "" : "s") in \(files.count) file\(files.count == 1 ? "" : "s")"
        if malformed > 0 { s += ", \(malformed) malformed (skipped)" }
        s += query.since.map { ", since \($0)" } ?? ""
        s += "\n"
        let list = agents
        for a in list { s += "\nagent \(Self.shown(a.agent))\n" + a.stats.text() }
        s += "\ntotal (\(list.count) agent\(list.count == 1 ? "" : "s"))\n" + total.text()
        return s
    }
}
