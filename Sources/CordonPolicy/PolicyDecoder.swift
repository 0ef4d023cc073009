// Typed reads from YAML nodes, each of which records an error (with the node's position)
// instead of stopping, so one pass over a file reports every problem in it. Section
// decoders (PolicySections.swift, GateSection.swift) are written in terms of these.
//
// Null (`~`, `null`, or nothing after the colon) means "not set here": a setting with a
// built-in default keeps it, an optional setting becomes unset (for limits: unlimited).

struct PolicyDecoder {
    var errors: [PolicyError] = []
    let environment: [String: String]

    init(environment: [String: String]) { self.environment = environment }

    mutating func fail(_ node: YAMLNode, _ message: String) { errors.append(PolicyError(node.location, message)) }

    /// `'abc'` for scalars, `a list` / `a mapping` otherwise, for "found ..." in messages.
    func found(_ node: YAMLNode) -> String {
        if let s = node.scalar, !node.isNull { return "'\(s)'" }
        return node.kindDescription
    }

    // MARK: mappings

    /// The values of a mapping by key, after reporting keys that are not in `known` (with a
    /// suggestion). `section` names the mapping in messages; empty for the top level.
    mutating func fields(_ node: YAMLNode, _ section: String, known: [String]) -> [String: YAMLNode]? {
        if node.isNull { return [:] }
        guard let pairs = node.mapping else {
            fail(node, "\(section.isEmpty ? "a policy" : section) must be a mapping, found \(found(node))")
            return nil
        }
        var out: [String: YAMLNode] = [:]
        for (k, v) in pairs {
            guard let key = k.scalar else { continue }
            if known.contains(key) {
                out[key] = v
                continue
            }
            let place = section.isEmpty ? "at the top level" : "in \(section)"
            let hint = Self.closest(key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            errors.append(PolicyError(k.location, "unknown key '\(key)' \(place)\(hint)"))
        }
        return out
    }

    // MARK: scalars

    /// A string, with `${VAR}` expanded unless `expand` is false (command patterns and
    /// examples, where `${X}` is shell syntax the gate must see as written).
    mutating func string(_ node: YAMLNode, _ path: String, expand: Bool = true) -> String? {
        guard let s = node.scalar, !node.isNull else {
            fail(node, "\(path) must be a string, found \(found(node))")
            return nil
        }
        guard expand else { return s }
        let (value, problems) = EnvExpansion.expand(s, environment)
        for p in problems {
            switch p {
            case .unset(let name):
                fail(
                    node,
                    "environment variable \(name) is not set (used in \(path); write ${\(name):-default} for an optional value)"
                )
            case .badName(let name):
                fail(
                    node,
                    "'${\(name)}' in \(path) is not a valid variable name (letters, digits and _; write $${ for a literal ${)"
                )
            case .unterminated:
                fail(node, "'${' without a closing '}' in \(path) (write $${ for a literal ${)")
            }
        }
        return problems.isEmpty ? value : nil
    }

    mutating func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        // Only true/false: YAML 1.1's yes/no/on/off are how `country: no` becomes false.
        switch node.scalar {
        case "true" where !node.isNull: return true
        case "false" where !node.isNull: return false
        default:
            fail(node, "\(path) must be true or false, found \(found(node))")
            return nil
        }
    }

    mutating func int(_ node: YAMLNode, _ path: String, _ range: ClosedRange<Int>) -> Int? {
        guard let s = node.scalar, let n = Int(s), range.contains(n) else {
            let bounds =
                range.upperBound == Int.max
                ? "of at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            fail(node, "\(path) must be an integer \(bounds), found \(found(node))")
            return nil
        }
        return n
    }

    mutating func size(_ node: YAMLNode, _ path: String) -> UInt64? {
        guard let s = node.scalar, let n = PolicyUnits.parseSize(s) else {
            fail(node, "\(path) must be a size like 512MiB, 1GiB, 10MB or a number of bytes, found \(found(node))")
            return nil
        }
        return n
    }

    /// A limit: a size, or `unlimited`.
    mutating func sizeLimit(_ node: YAMLNode, _ path: String) -> UInt64?? {
        if node.scalar == "unlimited" { return .some(nil) }
        guard let s = node.scalar, let n = PolicyUnits.parseSize(s) else {
            fail(
                node,
                "\(path) must be a size like 512MiB, 1GiB, 10MB, a number of bytes, or unlimited, found \(found(node))")
            return nil
        }
        return .some(n)
    }

    /// A count limit: a positive integer, or `unlimited`.
    mutating func countLimit(_ node: YAMLNode, _ path: String, max: Int) -> Int?? {
        if node.scalar == "unlimited" { return .some(nil) }
        guard let s = node.scalar, let n = Int(s), n >= 1, n <= max else {
            fail(node, "\(path) must be an integer from 1 to \(max), or unlimited, found \(found(node))")
            return nil
        }
        return .some(n)
    }

    static let maxDuration: Double = 3650 * 86400

    /// Seconds. `positive`: zero is refused too (a zero timeout kills everything at once).
    mutating func duration(_ node: YAMLNode, _ path: String, positive: Bool = false) -> Double? {
        guard let s = node.scalar, let d = PolicyUnits.parseDuration(s) else {
            fail(
                node,
                "\(path) must be a duration like 90s, 10m, 1h or 1.5s (a plain number is seconds), found \(found(node))"
            )
            return nil
        }
        if positive && d <= 0 {
            fail(node, "\(path) must be longer than 0s")
            return nil
        }
        // Consumers turn seconds into integer nanoseconds; Int(Double) traps past 2^63.
        if d > Self.maxDuration {
            fail(node, "\(path) must be at most 3650 days, found \(found(node))")
            return nil
        }
        return d
    }

    /// One of `valid`; the message lists them and suggests the nearest.
    mutating func choice(_ node: YAMLNode, _ path: String, _ valid: [String]) -> String? {
        guard let s = node.scalar, !node.isNull else {
            fail(node, "\(path) must be one of \(valid.joined(separator: ", ")), found \(found(node))")
            return nil
        }
        if valid.contains(s) { return s }
        let hint = Self.closest(s, in: valid).map { "; did you mean '\($0)'?" } ?? ""
        fail(node, "\(path): unknown value '\(s)' (valid: \(valid.joined(separator: ", "))\(hint))")
        return nil
    }

    // MARK: lists

    /// A list, each item read by `item` (given the item's path). A lone scalar is refused
    /// rather than taken as a one-item list: `block: rm` meaning `[rm]` is a guess.
    mutating func list<T>(
        _ node: YAMLNode, _ path: String, _ item: (inout PolicyDecoder, YAMLNode, String) -> T?
    ) -> [T]? {
        if node.isNull { return [] }
        guard let items = node.sequence else {
            fail(node, "\(path) must be a list, found \(found(node))")
            return nil
        }
        var out: [T] = []
        var ok = true
        for (i, n) in items.enumerated() {
            if let v = item(&self, n, "\(path)[\(i)]") { out.append(v) } else { ok = false }
        }
        return ok ? out : nil
    }

    mutating func strings(_ node: YAMLNode, _ path: String, expand: Bool = true) -> [String]? {
        list(node, path) { d, n, p in d.string(n, p, expand: expand) }
    }

    /// A mapping of string to string (context matches, env.set, alert channel settings).
    mutating func stringMap(_ node: YAMLNode, _ path: String, expand: Bool = true) -> [String: String]? {
        if node.isNull { return [:] }
        guard let pairs = node.mapping else {
            fail(node, "\(path) must be a mapping, found \(found(node))")
            return nil
        }
        var out: [String: String] = [:]
        var ok = true
        for (k, v) in pairs {
            guard let key = k.scalar else { continue }
            if let s = string(v, "\(path).\(key)", expand: expand) { out[key] = s } else { ok = false }
        }
        return ok ? out : nil
    }

    // MARK: assignment

    /// Sets a value with a default: absent or null keeps the default.
    mutating func assign<T>(_ target: inout T, _ node: YAMLNode?, _ read: (inout PolicyDecoder, YAMLNode) -> T?) {
        guard let node, !node.isNull else { return }
        if let v = read(&self, node) { target = v }
    }

    /// Sets an optional value: absent keeps it, null clears it.
    mutating func assignOptional<T>(
        _ target: inout T?, _ node: YAMLNode?, _ read: (inout PolicyDecoder, YAMLNode) -> T??
    ) {
        guard let node else { return }
        if node.isNull {
            target = nil
            return
        }
        if let v = read(&self, node) { target = v }
    }

    // MARK: suggestions

    static func closest(_ word: String, in candidates: [String]) -> String? { Suggest.closest(word, in: candidates) }
}
