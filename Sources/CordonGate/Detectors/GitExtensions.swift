// Git subcommands git itself does not have: `git sed`, `git scp`, `git clear-soft`,
// `git psykorebase`, `git delete-merged-branches` (git-extras and the like, each a
// `git-NAME` program on PATH). Their names say what they do, part by part (gate-classes
// A2, A3, A5, R6): a part that discards or rewrites work, or one that talks to a remote or
// serves the repository. `git browse` (opens the browser), `git summary`, `git effort` and
// `git request-pull` (prints a summary) hold none and stay allowed.

enum GitExtensions {
    /// Parts that lose work or rewrite history (A5) or edit every file (A2).
    static let discardParts: NameSet = [
        "delete", "clear", "obliterate", "undo", "sed", "force", "fresh", "reset", "purge", "prune",
        "wipe", "nuke", "abort", "rename", "replace",
        // `git stamp` (git-extras) appends to the last commit's message: commit --amend.
        "stamp", "amend",
    ]
    /// Parts that talk to a remote or serve the repository (A3, R6).
    static let remoteParts: NameSet = [
        "scp", "rscp", "sync", "pr", "mr", "paste", "pages", "release", "publish", "push", "pull", "fetch",
        "clone", "instaweb", "send", "upload", "deploy", "ftp", "fork",
        // `git unpublish BRANCH` (git-extras) deletes the branch on the remote.
        "unpublish",
    ]

    /// An extension's own subcommands that talk to a remote.
    static let remoteVerbs: NameSet = ["push", "pull", "fetch", "publish", "sync", "clone", "upload"]

    /// Git's own commands whose arguments may hold those words as names (`git remote set-url
    /// origin URL --push` records a URL; `git log --grep push` searches).
    static let ownCommands: NameSet = ["remote", "config", "help", "branch", "notes", "log", "show", "grep", "tag"]

    /// Git's own commands with these parts: other rules judge them (a pull from a bundle is local).
    static let builtins: NameSet = [
        "pull", "fetch", "clone", "push", "prune", "replace", "request-pull", "send-pack", "fetch-pack", "http-fetch",
        "http-push", "upload-pack", "upload-archive", "receive-pack", "prune-packed", "sparse-checkout",
    ]

    static func check(_ a: Analysis, _ k: Int, _ sub: String, _ rest: [String]) {
        guard sub.utf8.count >= 2, !builtins.contains(sub), !sub.hasPrefix("-") else { return }
        let parts = sub.split(whereSeparator: { $0 == "-" || $0 == "_" })
        if sub.has("rebase") || sub.has("reauthor") || sub.has("coauthor") || sub.has("blame-someone")
            || parts.contains(where: { discardParts.contains(String($0)) })
        {
            a.hit(.gitDiscard, k, score: 60, reason: "git \(sub) discards or rewrites work, as its name says")
        } else if parts.contains(where: { remoteParts.contains(String($0)) }) {
            a.hit(.egress, k, reason: "git \(sub) talks to a remote or serves the repository")
        } else if !ownCommands.contains(sub),
            let w = rest.prefix(3).first(where: { remoteVerbs.contains($0) })
                ?? rest.first(where: { $0 == "--remote" || $0.hasPrefix("--remote=") || $0 == "--push" })
        {
            // The extension's own subcommand or option says it: `git bug push`, `git flow feature
            // publish x`, `git feature NAME --remote origin` (pushes the branch).
            a.hit(.egress, k, reason: "git \(sub) \(w) talks to a remote")
        }
    }
}
