// Destructive git: history rewrites, force pushes, discarded work, deleted remote refs.

enum GitSafety {
    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        guard inv.program.eq("git") else { return }
        // Skip `-C dir`, `-c k=v` global options to find the subcommand.
        var j = 0
        while j < inv.args.count, inv.args[j].hasPrefix("-") {
            j += ["-C", "-c", "--git-dir", "--work-tree", "--namespace"].contains(inv.args[j]) ? 2 : 1
        }
        guard j < inv.args.count else { return }
        let sub = inv.args[j]
        let rest = Array(inv.args[(j + 1)...])
        let has = { (xs: [String]) in
            xs.contains { o in rest.contains { $0 == o || $0.hasPrefix(o + "=") } }
        }
        switch Name(sub) {
        case "push":
            if has(["--force", "-f", "--mirror", "--force-with-lease", "--prune"])
                || rest.contains(where: { $0.hasPrefix("+") })
            {
                a.hit(
                    .gitForcePush, k,
                    reason:
                        "git push rewrites remote history (\(rest.first { $0.hasPrefix("-") || $0.hasPrefix("+") } ?? "force"))"
                )
            }
            if has(["--delete", "-d"]) || rest.contains(where: { $0.hasPrefix(":") && $0.utf8.count > 1 }) {
                a.hit(.gitDeleteRemote, k, reason: "git push deletes a remote branch or tag")
            }
        case "reset":
            if has(["--hard"]) {
                a.hit(.gitDiscard, k, reason: "git reset --hard discards uncommitted work")
            }
        case "clean":
            let flags = rest.filter { $0.hasPrefix("-") && !$0.hasPrefix("--") }.joined()
            if flags.has("f") && (flags.has("d") || flags.has("x")) || has(["--force"]) && flags.has("x") {
                a.hit(.gitDiscard, k, reason: "git clean deletes untracked files")
            }
        case "branch":
            if has(["-D"]) || has(["--delete"]) && has(["--force"]) {
                a.hit(.gitDiscard, k, reason: "git branch -D deletes an unmerged branch")
            }
        case "checkout", "restore":
            if rest.contains("--") && rest.last == "." || has(["--force", "-f"]) && sub == "checkout" {
                a.hit(.gitDiscard, k, score: 45, reason: "git \(sub) discards local changes")
            }
        case "stash":
            if rest.first == "clear" || rest.first == "drop" {
                a.hit(.gitDiscard, k, score: 45, reason: "git stash \(rest[0]) discards stashed work")
            }
        case "filter-branch", "filter-repo":
            a.hit(.gitHistoryRewrite, k, reason: "git \(sub) rewrites the whole history")
        case "tag":
            if has(["-d", "--delete"]) {
                a.hit(.gitDiscard, k, score: 40, reason: "git tag -d deletes a tag")
            }
        case "update-ref":
            if has(["-d"]) { a.hit(.gitDiscard, k, reason: "git update-ref -d deletes a ref") }
        case "reflog":
            if rest.first == "expire" || rest.first == "delete" {
                a.hit(
                    .gitHistoryRewrite, k, score: 60, reason: "git reflog \(rest[0]) drops recovery points")
            }
        case "gc":
            if has(["--prune=now"]) || rest.contains("--prune=all") {
                a.hit(
                    .gitHistoryRewrite, k, score: 45, reason: "git gc --prune=now drops unreachable objects")
            }
        default:
            break
        }
    }
}
