// Loading a policy: read the file (and its `extends` chain), merge parents under children,
// decode and validate the merged tree, and collect every error with its position.
//
// Merging happens on the YAML trees, before decoding, so each value keeps the position of
// the file it came from and a problem in a parent is reported against the parent.
import CordonBase

/// Every problem found in a policy, in file order. Thrown by `PolicyLoader`.
public struct PolicyLoadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [PolicyError]
    public init(_ errors: [PolicyError]) { self.errors = errors }
    /// One `FILE:LINE:COL: message` per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

public struct PolicyLoader: Sendable {
    /// Reads a file's bytes, or says why not (`No such file or directory`).
    public typealias FileReader = @Sendable (String) -> Result<[UInt8], PolicyFileError>

    /// Values for `${VAR}`; the loader reads no environment of its own.
    public var environment: [String: String]
    public var readFile: FileReader

    /// Parents deeper than this are refused; it also stops cycles that lexical path
    /// comparison cannot see (symlinks).
    public static let maxExtendsDepth = 16

    public init(environment: [String: String] = [:], readFile: @escaping FileReader = PolicyFiles.read) {
        self.environment = environment
        self.readFile = readFile
    }

    /// Loads a policy file (YAML, or JSON when the name ends in `.json`).
    public func load(path: String) throws(PolicyLoadFailure) -> Policy {
        switch readFile(path) {
        case .success(let bytes): return try load(bytes: bytes, path: path)
        case .failure(let e):
            throw PolicyLoadFailure([
                PolicyError(SourceLocation(file: path, line: 1, column: 1), "cannot read policy: \(e.reason)")
            ])
        }
    }

    /// Loads policy text; `path` names it in errors and resolves relative `extends`.
    public func load(text: String, path: String) throws(PolicyLoadFailure) -> Policy {
        try load(bytes: Array(text.utf8), path: path)
    }

    public func load(bytes: [UInt8], path: String) throws(PolicyLoadFailure) -> Policy {
        var errors: [PolicyError] = []
        var parents: [String] = []
        let (tree, hash) = self.tree(
            bytes, path: path, id: Self.normalize(path), chain: [], errors: &errors, parents: &parents)
        var decoder = PolicyDecoder(environment: environment)
        var policy = decoder.policy(tree)
        errors += decoder.errors
        guard errors.isEmpty else { throw PolicyLoadFailure(Self.ordered(errors)) }
        policy.source = PolicySource(path: path, sha256: hash)
        policy.source.parents = parents
        return policy
    }

    /// A policy shipped inside the binary: `default` or `strict`.
    public func loadEmbedded(_ name: String = "default") throws(PolicyLoadFailure) -> Policy {
        guard let text = EmbeddedPolicies.text(named: name) else {
            throw PolicyLoadFailure([
                PolicyError(
                    SourceLocation(file: "<embedded \(name)>", line: 1, column: 1), "no embedded policy named '\(name)'"
                )
            ])
        }
        return try load(text: text, path: EmbeddedPolicies.displayPath(name))
    }

    // MARK: extends

    /// The merged tree of a file and its parents, and the hash that identifies the result:
    /// SHA-256 of the text, or for a file that extends another, of the text followed by
    /// `\nextends:` and the parent's hash (so editing a parent changes the child's hash).
    func tree(
        _ bytes: [UInt8], path: String, id: String, chain: [String], errors: inout [PolicyError],
        parents: inout [String]
    ) -> (
        YAMLNode, String
    ) {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let empty = YAMLNode(content: .scalar("", plain: true), location: start)
        if path.lowercased().hasSuffix(".json") {
            // libyaml reads JSON as YAML, but accepts things JSON does not (comments,
            // single quotes, trailing text); the strict parser decides what is JSON.
            do {
                _ = try JSONValue.parse(bytes)
                if let at = Self.firstYAMLLineBreak(in: bytes) {
                    // Raw, libyaml would fold it into a line break, so the string read would
                    // not be the string written.
                    errors.append(
                        PolicyError(
                            SourceLocation(file: path, line: at.line, column: at.column),
                            "write U+\(at.code) as \\u\(at.code) in a JSON policy"))
                    return (empty, "")
                }
            } catch {
                errors.append(
                    PolicyError(
                        SourceLocation(file: path, line: error.line, column: error.column),
                        "invalid JSON: \(error.message)"))
                return (empty, "")
            }
        }
        let (parsed, yamlErrors) = YAMLReader.read(bytes, file: path)
        errors += yamlErrors
        var root = parsed ?? empty
        if yamlErrors.isEmpty, let problem = Self.notAPolicy(root) {
            // Said in one line without quoting the file: a file that is no policy (a planted
            // `extends: /etc/shadow`, a symlink swapped in for a policy) must not have its text
            // printed line by line as "unknown keys" to whoever runs cordon (security issue D.10).
            errors.append(PolicyError(start, problem))
            return (empty, "")
        }
        var hash = SHA256.hex(bytes)
        guard let ext = root["extends"], let pairs = root.mapping else { return (root, hash) }
        root.content = .mapping(pairs.filter { $0.key.scalar != "extends" })

        guard let name = ext.scalar, !ext.isNull, !name.isEmpty else {
            errors.append(
                PolicyError(
                    ext.location,
                    "extends must be default, strict or a path to a policy file, found \(ext.kindDescription)"))
            return (root, hash)
        }
        let parent: (bytes: [UInt8], path: String, id: String)
        if let text = EmbeddedPolicies.text(named: name) {
            let display = EmbeddedPolicies.displayPath(name)
            parent = (Array(text.utf8), display, display)
        } else {
            let resolved =
                name.hasPrefix("/") || EmbeddedPolicies.isEmbedded(path) ? name : Self.directory(of: path) + name
            switch readFile(resolved) {
            case .success(let b):
                parent = (b, resolved, Self.normalize(resolved))
                parents.append(resolved)
            case .failure(let e):
                let hint =
                    name.contains("/") || name.contains(".") ? "" : " (the built-in parents are default and strict)"
                errors.append(PolicyError(ext.location, "cannot read parent policy '\(resolved)': \(e.reason)\(hint)"))
                return (root, hash)
            }
        }
        let chain = chain + [id]
        if chain.contains(parent.id) {
            let names = (chain + [parent.id]).drop(while: { $0 != parent.id })
            errors.append(PolicyError(ext.location, "extends cycle: \(names.joined(separator: " -> "))"))
            return (root, hash)
        }
        if chain.count >= Self.maxExtendsDepth {
            errors.append(PolicyError(ext.location, "extends chain is deeper than \(Self.maxExtendsDepth) files"))
            return (root, hash)
        }
        let (base, parentHash) = tree(
            parent.bytes, path: parent.path, id: parent.id, chain: chain, errors: &errors, parents: &parents)
        hash = SHA256.hex(bytes + Array("\nextends:\(parentHash)".utf8))
        return (Self.merge(base, root), hash)
    }

    /// Why a parsed document is no cordon policy at all, or nil when it may be one: a mapping
    /// with at least one policy key or a near miss of one (unknown keys are then typos worth
    /// naming), or an empty document.
    static func notAPolicy(_ root: YAMLNode) -> String? {
        if root.isNull { return nil }
        guard let pairs = root.mapping else {
            return "not a cordon policy: the document is \(root.kindDescription), not a mapping of policy keys"
        }
        // A key that is a policy key, or close enough to be a typo of one (`sandox:`), makes it
        // a policy with mistakes, reported key by key with suggestions.
        let keys = PolicyDecoder.topLevelKeys
        if pairs.isEmpty
            || pairs.contains(where: { p in
                p.key.scalar.map { keys.contains($0) || PolicyDecoder.closest($0, in: keys) != nil } == true
            })
        {
            return nil
        }
        return "not a cordon policy: none of its \(pairs.count) top-level keys is a policy key"
            + " (\(PolicyDecoder.topLevelKeys.joined(separator: ", ")))"
    }

    /// The first raw NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR: JSON allows them raw in
    /// strings, YAML treats them as line breaks.
    static func firstYAMLLineBreak(in b: [UInt8]) -> (line: Int, column: Int, code: String)? {
        var line = 1
        var column = 1
        var i = 0
        while i < b.count {
            var code: String?
            if b[i] == 0xC2, i + 1 < b.count, b[i + 1] == 0x85 { code = "0085" }
            if b[i] == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 {
                code = b[i + 2] == 0xA8 ? "2028" : "2029"
            }
            if let code { return (line, column, code) }
            if b[i] == 0x0A {
                line += 1
                column = 1
            } else if b[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return nil
    }

    /// The child over the parent: mappings merge key by key (recursively); anything else,
    /// lists and null included, replaces the parent's value whole.
    static func merge(_ base: YAMLNode, _ over: YAMLNode) -> YAMLNode {
        guard let b = base.mapping, let o = over.mapping else { return over }
        var out = b
        for (k, v) in o {
            if let i = out.firstIndex(where: { $0.key.scalar == k.scalar }) {
                out[i] = (k, merge(out[i].value, v))
            } else {
                out.append((k, v))
            }
        }
        return YAMLNode(content: .mapping(out), location: over.location)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// `a/./b/../c.yaml` → `a/c.yaml`: enough to recognise the same file named twice.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(p)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    /// Errors grouped by file (in the order files were met), then by position.
    static func ordered(_ errors: [PolicyError]) -> [PolicyError] {
        var fileOrder: [String: Int] = [:]
        for e in errors where fileOrder[e.location.file] == nil { fileOrder[e.location.file] = fileOrder.count }
        return errors.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            let (fx, fy) = (fileOrder[x.file] ?? 0, fileOrder[y.file] ?? 0)
            if fx != fy { return fx < fy }
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
    }
}
