// `cordon baseline show`: what a profile holds, in words a person can check against what the
// agent is meant to do.

extension Profile {
    public func summary(agent: String, project: String) -> [String] {
        var lines = ["agent \(agent) in project \(project): \(runs) run\(runs == 1 ? "" : "s") learned"]
        func top(_ family: String, _ n: Int) -> String {
            let items = (families[family] ?? [:]).sorted {
                $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
            }
            guard !items.isEmpty else { return "none" }
            let shown = items.prefix(n).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            return shown + (items.count > n ? ", and \(items.count - n) more" : "")
        }
        lines.append("  run commands (runs using each): \(top("commands", 8))")
        lines.append("  programs (runs using each): \(top("programs", 12))")
        lines.append("  argument shapes: \(top("shapes", 8))")
        lines.append("  connects to: \(top("endpoints", 6))")
        lines.append("  writes in: \(top("write_dirs", 6))")
        lines.append("  deletes in: \(top("delete_dirs", 6))")
        lines.append("  per run (median / 99th percentile / largest):")
        for m in RunScorer.judged {
            let v = values(m.name)
            guard !v.isEmpty else { continue }
            let n = { (x: Double) in RunScorer.number(x) }
            lines.append(
                "    \(m.what): \(n(Robust.median(v))) / \(n(Robust.percentile(v, 0.99))) / \(n(v.max() ?? 0))")
        }
        let rates = Profile.familyNames.map { "\($0) \(RunScorer.number(noveltyRate($0) * 100, digits: 1))%" }
        lines.append("  chance that an item of a run is new: " + rates.joined(separator: ", "))
        let t = Sensitivity.allCases.map { s in
            "\(s.rawValue) above \(RunScorer.number(threshold(s), digits: 4)) (\(flaggedInHistory(s)) of \(history.count))"
        }
        lines.append("  flagged at sensitivity (own history flagged): " + t.joined(separator: ", "))
        if runs < Profile.warmUp {
            lines.append("  (fewer than \(Profile.warmUp) runs: scores are not reliable yet)")
        }
        return lines
    }
}
