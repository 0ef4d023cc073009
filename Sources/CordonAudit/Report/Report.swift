// `cordon report`: one self-contained HTML page for an incident responder: who ran what, when,
// under which policy and isolation, how it ended, a timeline, the blocked and approval items
// with their evidence, and the tree of processes. No scripts, no network, no external assets.
import CordonBase
import CordonPolicy

public enum RunReport {
    public static func html(_ trace: Trace, generator: String = "cordon") -> String {
        let events = trace.events
        let start = trace.start
        let end = trace.end
        let t0 = events.first?.ts.milliseconds ?? 0
        let decisions = events.filter { $0.type == "decision" }
        func str(_ e: TraceEvent?, _ k: String) -> String { e?[k]?.stringValue ?? "" }
        func rel(_ e: TraceEvent) -> String { "+" + ReportTimeline.duration(Double(e.ts.milliseconds - t0)) }

        let outcome = end.map { str($0, "outcome") } ?? "no run_end (cut off?)"
        let outcomeClass: String = {
            switch outcome {
            case "exited": return (end?["exitCode"]?.intValue ?? 1) == 0 ? "ok" : "warn"
            case "blocked", "timeout", "failed", "signaled": return "bad"
            default: return "warn"
            }
        }()
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>cordon report \(HTML.escape(trace.run ?? ""))</title>
            <style>\(css)</style></head><body>
            <header><h1>cordon run report</h1><p class="run"><code>\(HTML.escape(trace.run ?? "?"))</code>
            <span class="badge \(outcomeClass)">\(HTML.escape(outcome))</span></p></header>
            <main>

            """
        // Summary.
        var rows: [(String, String)] = []
        rows.append(("Agent", HTML.escape(str(start, "agent"))))
        rows.append(("Session", HTML.escape(str(start, "session"))))
        rows.append(("Project", HTML.escape(str(start, "project"))))
        let argv = start?["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
        rows.append(
            ("Command", "<code>\(HTML.escape(argv.map(ActionCoding.shellQuote).joined(separator: " ")))</code>"))
        rows.append(("Working directory", "<code>\(HTML.escape(str(start, "cwd")))</code>"))
        if let f = events.first { rows.append(("Started", HTML.escape(f.ts.description))) }
        if let e = end {
            rows.append(("Ended", HTML.escape(e.ts.description)))
            rows.append(("Duration", ReportTimeline.duration(e["durationMs"]?.doubleValue ?? 0)))
            let ran = e["exitCode"]?.intValue != nil || e["signal"]?.intValue != nil
            var exit =
                ran ? "exit code \(e["exitCode"]?.intValue.map(String.init) ?? "none")" : "the command did not run"
            if let sig = e["signal"]?.intValue { exit += ", signal \(sig)" }
            if let c = e["cordonExit"]?.intValue { exit += ", cordon exited \(c)" }
            rows.append(("Exit", HTML.escape(exit)))
        }
        if let p = start?["policy"] {
            rows.append(
                (
                    "Policy",
                    "<code>\(HTML.escape(p["path"]?.stringValue ?? ""))</code><br><small>sha256 <code>\(HTML.escape(p["sha256"]?.stringValue ?? ""))</code></small>"
                ))
        }
        let layers = start?["isolation"]?.arrayValue?.compactMap(\.stringValue) ?? []
        rows.append(
            (
                "Isolation",
                layers.isEmpty
                    ? "<span class=\"badge bad\">none recorded</span>"
                    : layers.map { "<span class=\"chip\">\(HTML.escape($0))</span>" }.joined(separator: " ")
            ))
        // The layers actually used, when the kernel refused some and the run went on with fewer.
        if let fb = events.last(where: { $0.type == "isolation_fallback" }) {
            let used = fb["isolation"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let why = fb["reason"]?.stringValue ?? "a layer was refused"
            rows.append(
                (
                    "Isolation used",
                    "<span class=\"badge warn\">fell back</span> \(HTML.escape(why)): "
                        + used.map { "<span class=\"chip\">\(HTML.escape($0))</span>" }.joined(separator: " ")
                ))
        }
        if let sb = start?["sandbox"] { rows.append(("Sandbox", "<code>\(HTML.escape(sb.serialized()))</code>")) }
        if let r = end?["rusage"] {
            let cpu = "user \(r["userMs"]?.doubleValue ?? 0) ms, sys \(r["sysMs"]?.doubleValue ?? 0) ms"
            let mem = "max RSS \((r["maxRssKiB"]?.intValue ?? 0) / 1024) MiB"
            let io = "blocks in \(r["blocksIn"]?.intValue ?? 0), out \(r["blocksOut"]?.intValue ?? 0)"
            rows.append(("Resources", HTML.escape("\(cpu); \(mem); \(io)")))
        }
        var counts: [String: Int] = [:]
        for d in decisions { counts[d["decision"]?["decision"]?.stringValue ?? "?", default: 0] += 1 }
        rows.append(
            (
                "Decisions",
                ["allow", "requires_approval", "block"].map { "\(counts[$0] ?? 0) \($0.replacingUnderscores())" }
                    .joined(separator: " · ")
            ))
        rows.append(("Events", "\(events.count)"))
        h += "<section><h2>Summary</h2><dl class=\"summary\">\n"
        for (k, v) in rows { h += "<dt>\(k)</dt><dd>\(v)</dd>\n" }
        h += "</dl></section>\n"

        // Timeline.
        h += "<section><h2>Timeline</h2>\n" + ReportTimeline.svg(events)
        h += "<p class=\"legend\">"
        for l in ["safe", "low", "medium", "high", "critical"] {
            h += "<span><i style=\"background:\(ReportTimeline.color(level: l))\"></i>\(l)</span>"
        }
        h += "<span>● decision (larger: approval, × block)</span><span>■ observed event</span></p></section>\n"

        // Blocked and approval items.
        let flagged = decisions.filter { ($0["decision"]?["decision"]?.stringValue ?? "allow") != "allow" }
        h += "<section><h2>Blocked and approval items (\(flagged.count))</h2>\n"
        if flagged.isEmpty { h += "<p class=\"muted\">Nothing was blocked or held for approval.</p>\n" }
        for e in flagged {
            let d = e["decision"]
            let kind = d?["decision"]?.stringValue ?? "?"
            let level = d?["level"]?.stringValue ?? ""
            let cmd =
                e["action"].flatMap { try? ActionCoding.action($0) }.map {
                    String(decoding: ActionCoding.commandBytes($0), as: UTF8.self)
                } ?? ""
            h += "<article class=\"item\" style=\"border-left-color:\(ReportTimeline.color(level: level))\">\n"
            h +=
                "<p><span class=\"badge \(kind == "block" ? "bad" : "warn")\">\(HTML.escape(kind.replacingUnderscores()))</span> "
            h +=
                "score <b>\(d?["score"]?.intValue ?? 0)</b> (\(HTML.escape(level))) · rule <code>\(HTML.escape(d?["policyRule"]?.stringValue ?? "none"))</code> · \(rel(e)) · source \(HTML.escape(e["action"]?["source"]?.stringValue ?? ""))</p>\n"
            h += "<pre>\(HTML.escape(cmd))</pre>\n"
            let reasons = d?["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if !reasons.isEmpty { h += "<ul>" + reasons.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>\n" }
            let findings = d?["findings"]?.arrayValue ?? []
            if !findings.isEmpty {
                h += "<table><tr><th>detector</th><th>score</th><th>evidence</th></tr>\n"
                for f in findings {
                    h +=
                        "<tr><td>\(HTML.escape(f["detector"]?.stringValue ?? ""))</td><td>\(f["score"]?.intValue ?? 0)</td><td><code>\(HTML.escape(f["evidence"]?.stringValue ?? ""))</code></td></tr>\n"
                }
                h += "</table>\n"
            }
            h += "</article>\n"
        }
        h += "</section>\n"

        h +=
            "<section><h2>Processes and execs</h2>\n" + ReportSections.processTree(events, command: argv)
            + "</section>\n"

        h += ReportSections.runSummary(end?["summary"])

        // Every decision.
        h +=
            "<section><h2>All decisions (\(decisions.count))</h2>\n<table><tr><th>time</th><th>decision</th><th>score</th><th>rule</th><th>command</th></tr>\n"
        for e in decisions {
            let d = e["decision"]
            let cmd =
                e["action"].flatMap { try? ActionCoding.action($0) }.map {
                    String(decoding: ActionCoding.commandBytes($0), as: UTF8.self)
                } ?? ""
            let lv = d?["level"]?.stringValue ?? ""
            h +=
                "<tr><td>\(rel(e))</td><td><i class=\"dot\" style=\"background:\(ReportTimeline.color(level: lv))\"></i>\(HTML.escape(d?["decision"]?.stringValue ?? ""))</td><td>\(d?["score"]?.intValue ?? 0)</td><td>\(HTML.escape(d?["policyRule"]?.stringValue ?? ""))</td><td><code>\(HTML.escape(cmd))</code></td></tr>\n"
        }
        h += "</table></section>\n"

        // Raw events, folded.
        h +=
            "<section><details><summary>All events (\(events.count))</summary><table><tr><th>seq</th><th>time</th><th>type</th><th>details</th></tr>\n"
        for e in events {
            h +=
                "<tr><td>\(e.seq)</td><td>\(rel(e))</td><td>\(HTML.escape(e.type))</td><td><code>\(HTML.escape(JSONValue.object(e.fields).serialized()))</code></td></tr>\n"
        }
        h += "</table></details></section>\n"
        if !trace.warnings.isEmpty {
            h +=
                "<section><h2>Warnings</h2><ul>" + trace.warnings.map { "<li>\(HTML.escape($0))</li>" }.joined()
                + "</ul></section>\n"
        }
        h +=
            "</main><footer>Generated by \(HTML.escape(generator)) from <code>\(HTML.escape(trace.path))</code>. Times are UTC.</footer>\n</body></html>\n"
        return h
    }

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#263238;margin:0;background:#eceff1}
        header{background:#263238;color:#fff;padding:16px 28px}header h1{margin:0;font-size:20px}
        header .run{margin:4px 0 0}header code{color:#cfd8dc}
        main{max-width:1100px;margin:0 auto;padding:8px 20px 24px}
        section{background:#fff;border-radius:6px;padding:12px 18px;margin:14px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        h2{font-size:16px;margin:4px 0 10px;color:#37474f}
        dl.summary{display:grid;grid-template-columns:150px 1fr;gap:4px 14px;margin:0}
        dt{color:#607d8b}dd{margin:0;overflow-wrap:anywhere}
        code,pre{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;font-size:12.5px}
        pre{background:#f5f7fa;padding:8px 10px;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0}
        .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:#607d8b}
        .badge.ok{background:#2e7d32}.badge.warn{background:#ef6c00}.badge.bad{background:#c62828}
        .chip{display:inline-block;padding:0 7px;margin:1px 0;border:1px solid #b0bec5;border-radius:9px;font-size:12px;background:#f5f7fa}
        .legend{font-size:12px;color:#546e7a;display:flex;flex-wrap:wrap;gap:14px;margin:6px 0 0}
        .legend i,.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:-1px}
        article.item{border-left:5px solid #607d8b;padding:4px 12px;margin:10px 0;background:#fafbfc}
        article.item p{margin:4px 0}article.item ul{margin:4px 0 6px 18px;padding:0}
        table{border-collapse:collapse;width:100%;font-size:13px}
        th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eceff1;vertical-align:top}
        th{color:#607d8b;font-weight:600}td code{overflow-wrap:anywhere}td:first-child{white-space:nowrap}
        ul.tree,ul.tree ul{list-style:none;padding-left:18px;margin:2px 0}ul.tree{padding-left:0}
        ul.tree li{margin:2px 0}ul.tree ul{border-left:1px dashed #b0bec5}
        .pid{color:#78909c;font-size:12px}.muted{color:#78909c}.denied{color:#c62828;font-weight:600;font-size:12px}
        .cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:4px 24px}
        .cols h3{font-size:13px;color:#607d8b;margin:6px 0 2px}.cols ul{margin:0;padding-left:16px}
        footer{text-align:center;color:#78909c;font-size:12px;padding:0 0 24px}
        summary{cursor:pointer;font-weight:600;color:#37474f}
        """
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
