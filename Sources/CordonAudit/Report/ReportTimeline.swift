// The run's timeline as inline SVG: one lane per kind of event, time left to right, markers
// coloured by level (decisions) or kind (observations). Pure string building: the report
// must open offline, in any browser, with nothing fetched.
import CordonPolicy

enum ReportTimeline {
    static let width = 1000.0
    static let left = 110.0
    static let right = 20.0
    static let laneHeight = 34.0
    /// Room above the lanes for the labels of blocked and approval markers (two rows).
    static let top = 38.0

    static let lanes: [(id: String, label: String)] = [
        ("decision", "gate"), ("exec", "exec"), ("network", "network"), ("files", "files"),
        ("limits", "limits / timeout"),
    ]

    static func lane(of type: String) -> String? {
        switch type {
        case "decision", "approval_requested", "approval_approved", "approval_rejected": "decision"
        case "exec": "exec"
        case "connect": "network"
        case "file_write", "unlink": "files"
        case "limit", "timeout", "violation", "anomaly": "limits"
        default: nil
        }
    }

    static func color(level: String) -> String {
        switch level {
        case "safe": "#2e7d32"
        case "low": "#7cb342"
        case "medium": "#f9a825"
        case "high": "#ef6c00"
        case "critical": "#c62828"
        default: "#607d8b"
        }
    }

    static func color(of e: TraceEvent) -> String {
        switch e.type {
        case "decision": return color(level: e["decision"]?["level"]?.stringValue ?? "")
        case "exec": return ReportSections.denied(e) ? "#c62828" : "#1565c0"
        case "connect": return ReportSections.denied(e) ? "#c62828" : "#6a1b9a"
        case "file_write", "unlink": return "#00838f"
        case "limit", "timeout", "violation": return "#c62828"
        case "anomaly": return "#ef6c00"
        default: return "#607d8b"
        }
    }

    static func svg(_ events: [TraceEvent]) -> String {
        let marked = events.filter { lane(of: $0.type) != nil }
        let t0 = events.first?.ts.milliseconds ?? 0
        let t1 = max(events.last?.ts.milliseconds ?? 0, t0 + 1)
        let span = Double(t1 - t0)
        let height = top + Double(lanes.count) * laneHeight + 34
        let plot = width - left - right
        func x(_ t: Timestamp) -> Double { left + Double(t.milliseconds - t0) / span * plot }
        var s = """
            <svg class="timeline" viewBox="0 0 \(Int(width)) \(Int(height))" width="100%" role="img" \
            aria-label="timeline of the run" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">

            """
        for (i, l) in lanes.enumerated() {
            let y = top + Double(i) * laneHeight
            let fill = i % 2 == 0 ? "#f5f7fa" : "#ffffff"
            s += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(plot)\" height=\"\(laneHeight)\" fill=\"\(fill)\"/>\n"
            s +=
                "<text x=\"\(left - 8)\" y=\"\(y + laneHeight / 2 + 4)\" text-anchor=\"end\" fill=\"#37474f\">\(HTML.escape(l.label))</text>\n"
        }
        // Ticks: about six, at round intervals.
        let axisY = top + Double(lanes.count) * laneHeight
        s += "<line x1=\"\(left)\" y1=\"\(axisY)\" x2=\"\(left + plot)\" y2=\"\(axisY)\" stroke=\"#90a4ae\"/>\n"
        let step = niceStep(span / 6)
        var t = 0.0
        // No tick in the last stretch: the end marker is labelled there.
        while t <= span * 0.92 {
            let tx = left + t / span * plot
            s +=
                "<line x1=\"\(fmt(tx))\" y1=\"\(top)\" x2=\"\(fmt(tx))\" y2=\"\(axisY + 4)\" stroke=\"#cfd8dc\" stroke-dasharray=\"2,3\"/>\n"
            s +=
                "<text x=\"\(fmt(tx))\" y=\"\(axisY + 18)\" text-anchor=\"middle\" fill=\"#546e7a\">+\(duration(t))</text>\n"
            t += step
        }
        // Labels for what a responder looks for first: blocks and approvals, named by rule. When
        // two would overlap, the second goes on the other row.
        var lastLabelEnd = [-1e9, -1e9]
        for e in marked where e.type == "decision" {
            let d = e["decision"]?["decision"]?.stringValue ?? "allow"
            guard d != "allow" else { continue }
            let label = e["decision"]?["policyRule"]?.stringValue ?? d
            let lx = x(e.ts)
            let half = Double(label.count) * 3.1
            let row = lx - half > lastLabelEnd[0] + 4 ? 0 : (lx - half > lastLabelEnd[1] + 4 ? 1 : 0)
            lastLabelEnd[row] = lx + half
            let ly = row == 0 ? 14.0 : 28.0
            // Keep labels inside the drawing near either edge.
            let anchor = lx + half > width - 4 ? "end" : (lx - half < 4 ? "start" : "middle")
            let tx = anchor == "end" ? lx + 6 : lx
            let c = color(level: e["decision"]?["level"]?.stringValue ?? "")
            s +=
                "<line x1=\"\(fmt(lx))\" y1=\"\(fmt(ly + 3))\" x2=\"\(fmt(lx))\" y2=\"\(top + laneHeight / 2 - 8)\" stroke=\"\(c)\" stroke-width=\"1\"/>\n"
            s +=
                "<text x=\"\(fmt(tx))\" y=\"\(ly)\" text-anchor=\"\(anchor)\" fill=\"\(c)\" font-size=\"10.5\" font-weight=\"600\">\(HTML.escape(label))</text>\n"
        }
        // The end of the run: where the exit happened.
        if let end = events.last(where: { $0.type == "run_end" }) {
            let ex = fmt(x(end.ts))
            let what =
                end["exitCode"]?.intValue.map { "exit \($0)" } ?? end["signal"]?.intValue.map { "signal \($0)" }
                ?? end["outcome"]?.stringValue?.replacingUnderscores() ?? "end"
            s +=
                "<line x1=\"\(ex)\" y1=\"\(top)\" x2=\"\(ex)\" y2=\"\(axisY)\" stroke=\"#263238\" stroke-width=\"1.5\"/>\n"
            s +=
                "<text x=\"\(ex)\" y=\"\(axisY + 18)\" text-anchor=\"end\" fill=\"#263238\" font-weight=\"600\">\(HTML.escape(what)) </text>\n"
        }
        for e in marked {
            guard let laneID = lane(of: e.type), let li = lanes.firstIndex(where: { $0.id == laneID }) else { continue }
            let cx = fmt(x(e.ts))
            let cy = fmt(top + Double(li) * laneHeight + laneHeight / 2)
            let c = color(of: e)
            let title = HTML.escape(tooltip(e, t0: t0))
            if e.type == "decision" {
                let d = e["decision"]?["decision"]?.stringValue ?? ""
                let r = d == "block" ? 8.0 : d == "requires_approval" ? 7.0 : 5.5
                s +=
                    "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"\(r)\" fill=\"\(c)\" stroke=\"#fff\" stroke-width=\"1.5\"><title>\(title)</title></circle>\n"
                if d == "block" {
                    s +=
                        "<text x=\"\(cx)\" y=\"\(fmt(top + Double(li) * laneHeight + laneHeight / 2 + 3.5))\" text-anchor=\"middle\" fill=\"#fff\" font-size=\"10\" font-weight=\"bold\">×</text>\n"
                }
            } else {
                s +=
                    "<rect x=\"\(fmt(x(e.ts) - 5))\" y=\"\(fmt(top + Double(li) * laneHeight + laneHeight / 2 - 5))\" width=\"10\" height=\"10\" rx=\"2\" fill=\"\(c)\"><title>\(title)</title></rect>\n"
            }
        }
        s += "</svg>\n"
        return s
    }

    static func tooltip(_ e: TraceEvent, t0: Int64) -> String {
        var s = "+\(duration(Double(e.ts.milliseconds - t0))) \(e.type)"
        switch e.type {
        case "decision":
            let d = e["decision"]
            s += ": \(d?["decision"]?.stringValue ?? "?") \(d?["score"]?.intValue ?? 0)"
            if let a = e["action"], let act = try? ActionCoding.action(a) {
                s += " " + String(decoding: ActionCoding.commandBytes(act), as: UTF8.self)
            }
        case "exec":
            s +=
                ": "
                + (e["argv"]?.arrayValue?.compactMap(\.stringValue).joined(separator: " ") ?? e["path"]?.stringValue
                    ?? "")
        case "connect":
            s +=
                ": \(e["address"]?.stringValue ?? "?"):\(e["port"]?.intValue ?? 0) \(e["decision"]?.stringValue ?? e["result"]?.stringValue ?? "")"
        case "file_write", "unlink": s += ": " + (e["path"]?.stringValue ?? "")
        case "limit": s += ": \(e["limit"]?.stringValue ?? "") \(e["value"]?.stringValue ?? "")"
        case "timeout": s += " after \(e["afterSeconds"]?.doubleValue ?? 0) s"
        default: break
        }
        return s
    }

    /// 1, 2, 5 × 10^n milliseconds.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        var p = 1.0
        while p * 10 <= raw { p *= 10 }
        while p > raw { p /= 10 }
        for m in [1.0, 2, 5, 10] where p * m >= raw { return p * m }
        return p * 10
    }

    static func duration(_ ms: Double) -> String {
        if ms < 10 && ms != ms.rounded() { return "\(fmt(ms, places: 2)) ms" }
        if ms < 1000 { return "\(Int(ms.rounded())) ms" }
        if ms < 60_000 { return "\(fmt(ms / 1000, places: ms < 10_000 ? 2 : 1)) s" }
        return "\(Int(ms / 60_000)) min \(Int(ms.truncatingRemainder(dividingBy: 60_000) / 1000)) s"
    }

    static func fmt(_ v: Double, places: Int = 1) -> String {
        let r = v.roundedTo(places)
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}

/// Text for HTML element content and attribute values (reports, `cordon serve`'s approval page).
public enum HTML {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters would be invisible or break layout; show them as escapes.
                if c.value < 0x20 && c != "\n" && c != "\t" || c.value == 0x7f {
                    out += "\\x" + String(c.value, radix: 16).leftPadded(2).replacingSpaces("0")
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }
}

extension String {
    func replacingSpaces(_ with: Character) -> String { String(map { $0 == " " ? with : $0 }) }
}
