// Destructive git: history rewrites, force pushes, discarded work, deleted remote refs.

enum GitSafety {
    /// Index of the subcommand in `inv.args`, past git's global options (the one table:
    /// `Invocation.globalValueOptions`).
    static func subcommandIndex(_ inv: borrowing Invocation) -> Int? {
        let values = Invocation.globalValueOptions["git"] ?? []
        var j = 0
        while j < inv.args.count, inv.args[j].hasPrefix("-") {
            j += values.contains(inv.args[j]) ? 2 : 1
        }
        return j < inv.args.count ? j : nil
    }

    /// The subcommand and the words after it that are not options (`stash drop`, `remote add`).
    static func subcommandWords(_ inv: borrowing Invocation) -> [String] {
        inv.program.eq("git") ? inv.commandWords : inv.positionals
    }

    /// A path-looking argument of checkout (`src/main.swift`, `.`), as opposed to a branch name
    /// (`main`, `feature/login`): a dot in its last component, or a leading `./`.
    static func looksLikePath(_ w: String) -> Bool {
        if w == "." || w.hasPrefix("./") || w.hasPrefix("../") || w.contains("*") { return true }
        let last = w.split(separator: "/").last ?? Substring(w)
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return false }
        let ext = last[last.index(after: dot)...]
        return !ext.isEmpty && ext.utf8.count <= 6 && ext.allSatisfy { $0.isLetter || $0.isNumber }
            && !ext.allSatisfy(\.isNumber)
    }

    static func check(_ a: Analysis, _ k: Int, _ inv: borrowing Invocation) {
        guard inv.program.eq("git") else { return }
        // Skip `-C dir`, `-c k=v` global options to find the subcommand.
        guard let j = subcommandIndex(inv) else { return }
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
        case "apply", "am":
            // `--unsafe-paths` lets a patch write outside the work tree (A11).
            if has(["--unsafe-paths"]) {
                a.hit(.outsideWrite, k, reason: "git \(sub) --unsafe-paths writes outside the work tree")
            }
        case "branch":
            if has(["-D"]) || has(["--delete"]) && has(["--force"]) {
                a.hit(.gitDiscard, k, reason: "git branch -D deletes an unmerged branch")
            }
        case "checkout", "restore":
            // A5: putting files back over local changes loses them (`checkout -- path`,
            // `checkout src/main.swift`, `restore path`); switching branches does not, and
            // `restore --staged` only unstages.
            let paths = rest.filter { !$0.hasPrefix("-") }
            let discards =
                sub == "restore"
                ? !paths.isEmpty && !(has(["--staged", "-S"]) && !has(["--worktree", "-W"]))
                : rest.contains("--") && rest.last != "--" || has(["--force", "-f"])
                    || paths.contains(where: looksLikePath)
            if discards {
                a.hit(.gitDiscard, k, reason: "git \(sub) discards local changes")
            }
        case "switch":
            if has(["--discard-changes", "--force", "-f"]) {
                a.hit(.gitDiscard, k, reason: "git switch --discard-changes drops local changes")
            }
        case "rebase":
            if !has(["--abort", "--show-current-patch", "--edit-todo"]) {
                a.hit(.gitHistoryRewrite, k, score: 60, reason: "git rebase rewrites commits")
            }
        case "commit":
            if has(["--amend"]) {
                a.hit(.gitHistoryRewrite, k, score: 60, reason: "git commit --amend rewrites the last commit")
            }
        case "stash":
            if rest.first == "clear" || rest.first == "drop" {
                a.hit(.gitDiscard, k, reason: "git stash \(rest[0]) discards stashed work")
            }
        case "filter-branch", "filter-repo":
            a.hit(.gitHistoryRewrite, k, reason: "git \(sub) rewrites the whole history")
        case "tag":
            if has(["-d", "--delete"]) {
                a.hit(.gitDiscard, k, reason: "git tag -d deletes a tag")
            }
        case "replace":
            // A replace ref swaps one object for another everywhere git looks; deleting one
            // is a ref deletion like update-ref -d (A5).
            if has(["-d", "--delete"]) {
                a.hit(.gitDiscard, k, reason: "git replace --delete deletes replace refs")
            }
        case "update-ref":
            if has(["-d"]) {
                a.hit(.gitDiscard, k, reason: "git update-ref -d deletes a ref")
            } else if rest.filter({ !$0.hasPrefix("-") }).count >= 2 {
                // Moving a branch by hand drops the commits it pointed to (A5, like reset).
                a.hit(.gitDiscard, k, score: 60, reason: "git update-ref moves \(rest.last ?? "a ref") by hand")
            }
        case "reflog":
            if rest.first == "expire" || rest.first == "delete" {
                a.hit(
                    .gitHistoryRewrite, k, score: 60, reason: "git reflog \(rest[0]) drops recovery points")
            }
        case "gc":
            if has(["--prune=now"]) || rest.contains("--prune=all") {
                a.hit(
                    .gitHistoryRewrite, k, score: 60, reason: "git gc --prune=now drops unreachable objects")
            }
        default:
            GitExtensions.check(a, k, sub, rest)
        }
    }
}
