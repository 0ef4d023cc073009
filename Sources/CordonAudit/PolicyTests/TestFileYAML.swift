// A YAML tree with positions for policy test files (`cordon test`): a small view of
// CordonPolicy's YAMLReader tree, so test files report `FILE:LINE:COL` like policies do.
import CordonBase
import CordonPolicy

public indirect enum TestYAML: Sendable {
    case scalar(String, plain: Bool, SourceLocation)
    case sequence([TestYAML], SourceLocation)
    case mapping([(String, TestYAML)], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .scalar(_, _, let l), .sequence(_, let l), .mapping(_, let l): l
        }
    }

    public var scalar: String? {
        if case .scalar(let s, _, _) = self { return s }
        return nil
    }

    public subscript(key: String) -> TestYAML? {
        if case .mapping(let pairs, _) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    /// As JSON, for tool arguments. Plain scalars that look like numbers, booleans or null
    /// become those; quoted ones stay strings.
    public var json: JSONValue {
        switch self {
        case .scalar(let s, let plain, _):
            guard plain else { return .string(s) }
            if s == "true" { return .bool(true) }
            if s == "false" { return .bool(false) }
            if s.isEmpty || s == "null" || s == "~" { return .null }
            if let d = Double(s), s.first.map({ $0.isNumber || $0 == "-" }) == true { return .number(d) }
            return .string(s)
        case .sequence(let items, _): return .array(items.map(\.json))
        case .mapping(let pairs, _): return .object(pairs.map { ($0.0, $0.1.json) })
        }
    }

    /// Parses with CordonPolicy's YAML reader (positions on every node; aliases and several
    /// documents are errors there too) and keeps this file format's small view of the tree.
    public static func parse(_ bytes: [UInt8], file: String) throws(PolicyError) -> TestYAML {
        let (root, errors) = YAMLReader.read(bytes, file: file)
        if let first = errors.first { throw first }
        guard let root else { throw PolicyError(SourceLocation(file: file, line: 1, column: 1), "the file is empty") }
        return view(root)
    }

    static func view(_ n: YAMLNode) -> TestYAML {
        switch n.content {
        case .scalar(let s, let plain): return .scalar(s, plain: plain, n.location)
        case .sequence(let items): return .sequence(items.map(view), n.location)
        case .mapping(let pairs):
            return .mapping(
                pairs.map { p in
                    if case .scalar(let k, _) = p.key.content { return (k, view(p.value)) }
                    return ("", view(p.value))
                }, n.location)
        }
    }
}
