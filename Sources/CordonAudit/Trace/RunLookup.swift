// A run named the way people name git commits: the whole id or enough of its start to be
// unique (`r-01M94SZ9TD`, or without the `r-`, in either case). Resolved from the names in
// `traces/` alone; no trace is opened.

import CordonBase

#if canImport(Glibc)
    import Glibc
#endif

/// Why a run id or prefix did not name exactly one run.
public struct RunLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Too short or not made of run-id characters.
        case invalid
        /// More than one run starts with it.
        case ambiguous
        /// No run starts with it (or there is no traces directory).
        case unknown
    }
    public var kind: Kind
    public var message: String
    public var hint: String
    /// For `ambiguous`: every run the prefix matches, newest first.
    public var candidates: [String]

    public var description: String { message }
}

public enum RunLookup {
    /// Characters of a prefix below which it is refused, as git refuses hashes under four digits.
    public static let minimumDigits = 4

    /// The canonical form of what someone typed: upper case, `r-` added, a `.jsonl` dropped (a
    /// trace's file name is its id plus `.jsonl`). nil when it cannot be (part of) a run id.
    public static func normalize(_ text: String) -> String? {
        var s = Substring(text)
        if s.hasSuffix(RunIndex.traceSuffix) { s = s.dropLast(RunIndex.traceSuffix.count) }
        if s.hasPrefix("r-") || s.hasPrefix("R-") { s = s.dropFirst(2) }
        let digits = s.uppercased()
        guard digits.utf8.allSatisfy({ RunID.alphabet.contains($0) }) else { return nil }
        return "r-" + digits
    }

    /// Whether `text` could name a run (a full id or a prefix), as opposed to a file path.
    public static func looksLikeRunID(_ text: String) -> Bool {
        guard let n = normalize(text) else { return false }
        return n.count - 2 >= minimumDigits
    }

    /// The one run of `directory` that `text` names: its full id, or a unique prefix.
    public static func resolve(_ text: String, in directory: LogDirectory) throws(RunLookupError)
        -> RunIndex.TraceFile
    {
        let listHint = "list the runs with 'cordon runs --log-dir \(directory.path)'"
        guard let want = normalize(text) else {
            throw RunLookupError(
                kind: .invalid,
                message: "'\(text)' is not a run id (r- and 26 letters and digits, e.g. r-01M94SZ9TD4RNXP03RHVGNF9M8)",
                hint: listHint, candidates: [])
        }
        guard want.count - 2 >= minimumDigits else {
            throw RunLookupError(
                kind: .invalid,
                message: "run id prefix '\(text)' is too short: give at least \(minimumDigits) digits after r-",
                hint: listHint, candidates: [])
        }
        guard FileIO.isDirectory(directory.traces) else {
            throw RunLookupError(
                kind: .unknown,
                message: "no run matches '\(text)': there is no traces directory at \(directory.traces)",
                hint: "give the log directory the run used with --log-dir DIR (or set CORDON_HOME)", candidates: [])
        }
        if access(directory.traces, R_OK | X_OK) != 0 {
            throw RunLookupError(
                kind: .unknown, message: "no run \(text): cannot read \(directory.traces): \(Errno.current)",
                hint: "run as the user whose runs these are, or pass --log-dir DIR", candidates: [])
        }
        let files = RunIndex.traceFiles(in: directory)
        if let exact = files.first(where: { $0.run.uppercased() == want.uppercased() }) { return exact }
        let matches = files.filter { $0.run.uppercased().hasPrefix(want.uppercased()) }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            throw RunLookupError(
                kind: .unknown,
                message:
                    "no run matches '\(text)' among the \(files.count) trace\(files.count == 1 ? "" : "s") in \(directory.traces)",
                hint: listHint + " (or give the log directory the run used with --log-dir DIR)", candidates: [])
        }
        let shown = 10
        var message = "run id prefix '\(text)' is ambiguous: \(matches.count) runs match:"
        for m in matches.prefix(shown) { message += "\n  \(m.run)" }
        if matches.count > shown { message += "\n  ... and \(matches.count - shown) more" }
        throw RunLookupError(
            kind: .ambiguous, message: message, hint: "give more of the id (\(listHint))",
            candidates: matches.map(\.run))
    }
}
