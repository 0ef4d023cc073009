// Two sections of the HTML report built from the monitor's events: the tree of processes and
// the programs they ran, and the run summary (programs, endpoints, files, denials).
import CordonBase
import CordonPolicy

enum ReportSections {
    /// The monitor writes `decision` on exec and connect events; older writers `result`.
    static func denied(_ e: TraceEvent) -> Bool {
        if let d = e["decision"]?.stringValue { return d != "allow" }
        if let r = e["result"]?.stringValue { return r == "denied" || r == "blocked" }
        return false
    }

    /// Execs grouped by pid (a process that execs twice shows both images, in order), nested
    /// under their parent. A parent that never exec'd under the monitor (the run's own command
    /// is exec'd before the monitor starts) still gets a node, so the tree keeps its shape.
    static func processTree(_ events: [TraceEvent], command: [String]) -> String {
        let execs = events.filter { $0.type == "exec" }
        guard !execs.isEmpty else {
            return
                "<p class=\"muted\">No exec events recorded (the monitor was off, or the command ran no programs).</p>\n"
        }
        struct Image {
            var label: String
            var denied: Bool
            var count: Int
        }
        var order: [Int] = []
        var images: [Int: [Image]] = [:]
        var parent: [Int: Int] = [:]
        for e in execs {
            guard let pid = e["pid"]?.intValue else { continue }
            if images[pid] == nil {
                order.append(pid)
                images[pid] = []
            }
            let argv = e["argv"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let label =
                argv.isEmpty
                ? (e["path"]?.stringValue ?? "?") : argv.map(ActionCoding.shellQuote).joined(separator: " ")
            let isDenied = denied(e)
            // A shell walking PATH retries the same exec: show it once with a count.
            var list = images[pid] ?? []
            if let last = list.last, last.label == label, last.denied == isDenied {
                list[list.count - 1].count += 1
            } else {
                list.append(Image(label: label, denied: isDenied, count: 1))
            }
            images[pid] = list
            if let pp = e["ppid"]?.intValue, parent[pid] == nil, pp != pid { parent[pid] = pp }
        }
        let unknownParents = Set(parent.values).subtracting(order).sorted()
        var synthetic: [Int: String] = [:]
        for p in unknownParents {
            synthetic[p] =
                unknownParents.count == 1 && !command.isEmpty
                ? command.map(ActionCoding.shellQuote).joined(separator: " ") + " (the run's command)"
                : "(no exec recorded)"
        }
        let all = unknownParents + order
        func render(_ pid: Int, depth: Int) -> String {
            guard depth < 64 else { return "" }
            var s = "<li><span class=\"pid\">pid \(pid)</span> "
            if let label = synthetic[pid] {
                s += "<code>\(HTML.escape(label))</code>"
            } else {
                s += (images[pid] ?? []).map { im in
                    var x = "<code>\(HTML.escape(im.label))</code>"
                    if im.count > 1 { x += " ×\(im.count)" }
                    if im.denied { x += " <span class=\"denied\">blocked</span>" }
                    return x
                }.joined(separator: " → ")
            }
            let kids = order.filter { parent[$0] == pid }
            if !kids.isEmpty { s += "<ul>" + kids.map { render($0, depth: depth + 1) }.joined() + "</ul>" }
            return s + "</li>"
        }
        let roots = all.filter { parent[$0] == nil }
        return "<ul class=\"tree\">" + roots.map { render($0, depth: 0) }.joined() + "</ul>\n"
    }

    /// `run_end.summary` from the monitor, as lists: what ran, where it connected, what it
    /// wrote and deleted (by directory), how many actions were denied.
    static func runSummary(_ summary: JSONValue?) -> String {
        guard let sm = summary, case .object = sm else { return "" }
        func counts(_ key: String) -> [(String, Int)] {
            (sm[key]?.objectValue ?? []).map { ($0.0, $0.1.intValue ?? 0) }
        }
        func list(_ title: String, _ items: [(String, Int)]) -> String {
            guard !items.isEmpty else { return "" }
            var s = "<div><h3>\(HTML.escape(title))</h3><ul>"
            for (k, n) in items { s += "<li>\(n)× <code>\(HTML.escape(k))</code></li>" }
            return s + "</ul></div>"
        }
        func grouped(_ key: String) -> [(String, Int)] {
            (sm[key]?.objectValue ?? []).map { dir, files in
                let names = (files.objectValue ?? []).map(\.0)
                let shown = names.prefix(6).joined(separator: ", ") + (names.count > 6 ? ", ..." : "")
                return ((dir.hasSuffix("/") ? dir : dir + "/") + " " + shown, names.count)
            }
        }
        var h = "<section><h2>What the run did</h2>\n<p>denied actions: <b>\(sm["denials"]?.intValue ?? 0)</b>"
        let tamper = sm["tamper"]?.intValue ?? 0
        h += tamper > 0 ? " · <span class=\"badge bad\">tamper events: \(tamper)</span>" : " · tamper events: 0"
        h += "</p><div class=\"cols\">"
        h += list("programs executed", counts("programs"))
        h += list("endpoints contacted", counts("endpoints"))
        // network: domains: the hosts the proxy was asked for (connections made, refused).
        h += list(
            "hosts through the proxy (connections; refused)",
            (sm["hosts"]?.objectValue ?? []).map { host, c in
                ("\(host) (refused \(c["refused"]?.intValue ?? 0))", c["connections"]?.intValue ?? 0)
            })
        h += list("files written (by directory)", grouped("filesWritten"))
        h += list("files deleted (by directory)", grouped("filesDeleted"))
        return h + "</div></section>\n"
    }
}
