// The effective policy as YAML, for `cordon policy show`: PolicyDocument's tree written as
// block mappings, with short lists and anything nested inside a list item in flow style.
// Strings are plain only when no YAML reader could take them for anything else (a number,
// a boolean, null, an indicator); otherwise double-quoted with escapes.
import CordonBase

public enum PolicyYAML {
    public static func render(_ p: Policy) -> String {
        var out = "# effective policy: \(p.source.path)\n"
        if !p.source.sha256.isEmpty { out += "# sha256: \(p.source.sha256)\n" }
        if case .object(let pairs) = PolicyDocument.tree(p) { block(pairs, indent: 0, into: &out) }
        return out
    }

    /// Short flow lists fit on one line up to this column; longer ones get a line per item.
    static let flowWidth = 96

    static func block(_ pairs: [(String, JSONValue)], indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        for (k, v) in pairs {
            switch v {
            case .object(let inner) where !inner.isEmpty:
                out += pad + key(k) + ":\n"
                block(inner, indent: indent + 1, into: &out)
            case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                out += pad + key(k) + ":\n"
                for item in items { listItem(item, indent: indent + 1, into: &out) }
            case .array(let items) where pad.count + k.count + 2 + flow(v).count > flowWidth:
                out += pad + key(k) + ":\n"
                for item in items { out += pad + "  - " + flow(item) + "\n" }
            default:
                out += pad + key(k) + ": " + flow(v) + "\n"
            }
        }
    }

    /// `- k: v` then the item's other keys aligned under it; nested values in flow style.
    static func listItem(_ item: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        guard case .object(let pairs) = item, !pairs.isEmpty else {
            out += pad + "- " + flow(item) + "\n"
            return
        }
        for (i, (k, v)) in pairs.enumerated() {
            out += pad + (i == 0 ? "- " : "  ") + key(k) + ": " + flow(v) + "\n"
        }
    }

    /// A value on one line: scalars, `[a, b]`, `{k: v}`.
    static func flow(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number: return v.serialized()
        case .string(let s): return scalar(s)
        case .array(let items): return "[" + items.map(flow).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { key($0.0) + ": " + flow($0.1) }.joined(separator: ", ") + "}"
        }
    }

    // MARK: scalars

    /// A mapping key; context and env keys can be any string.
    static func key(_ s: String) -> String { scalar(s) }

    static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "unlimited"]

    /// Plain when unambiguous in YAML 1.1 and 1.2 (no indicators, no numbers, no booleans),
    /// otherwise double-quoted.
    static func scalar(_ s: String) -> String {
        let safe = s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "/") || c == UInt8(ascii: ".") || c == UInt8(ascii: "~")
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "@") || c == UInt8(ascii: "+")
        }
        if safe, let first = s.unicodeScalars.first,
            first.properties.isAlphabetic || first == "_" || first == "/" || first == "~",
            !reserved.contains(s.lowercased())
        {
            return s
        }
        if isQuantity(s) { return s }
        return quoted(s)
    }

    static let unitSuffixes: Set<String> = [
        "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "ms", "s", "m", "h",
    ]

    /// `4GiB`, `1.5s`: a number with a unit suffix is no YAML number (1.1 or 1.2), so it can
    /// stay plain and read like the policy files do.
    static func isQuantity(_ s: String) -> Bool {
        let (number, unit) = PolicyUnits.split(s)
        guard let number, !number.hasPrefix("."), !number.hasSuffix("."), number.filter({ $0 == "." }).count <= 1 else {
            return false
        }
        return number.count + unit.count == s.count && unitSuffixes.contains(unit.lowercased())
    }

    /// Double-quoted YAML. Besides control characters, NEL and the Unicode line and
    /// paragraph separators are escaped: raw, YAML readers fold them into spaces.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _
            where u.value < 0x20 || u.value == 0x7F || u.value == 0x85 || u.value == 0x2028 || u.value == 0x2029
                || u.value == 0xFEFF:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
