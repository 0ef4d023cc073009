// A YAML tree with positions for policy test files (`cordon test`).
//
// CordonPolicy has the same builder (YAMLReader/YAMLNode) but keeps it internal; until it is
// public this is a minimal copy over the same libyaml event stream, so test files report
// `FILE:LINE:COL` like policies do. Swap for CordonPolicy's when it is exported.
import CYAML
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

    public static func parse(_ bytes: [UInt8], file: String) throws(PolicyError) -> TestYAML {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw PolicyError(SourceLocation(file: file, line: 1, column: 1), "cannot initialise the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        let result: Result<TestYAML, PolicyError> = bytes.withUnsafeBufferPointer { buf in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            return build(&parser, file: file)
        }
        return try result.get()
    }

    private static func build(_ parser: inout yaml_parser_t, file: String) -> Result<TestYAML, PolicyError> {
        struct Frame {
            var isMapping: Bool
            var location: SourceLocation
            var items: [TestYAML] = []
            var pairs: [(String, TestYAML)] = []
            var key: String?
        }
        func loc(_ m: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(m.line) + 1, column: Int(m.column) + 1)
        }
        var stack: [Frame] = []
        var root: TestYAML?
        var event = yaml_event_t()
        func add(_ n: TestYAML) -> PolicyError? {
            guard let top = stack.indices.last else {
                root = n
                return nil
            }
            if !stack[top].isMapping {
                stack[top].items.append(n)
                return nil
            }
            guard let k = stack[top].key else {
                guard let s = n.scalar else { return PolicyError(n.location, "mapping keys must be plain strings") }
                if stack[top].pairs.contains(where: { $0.0 == s }) {
                    return PolicyError(n.location, "duplicate key '\(s)'")
                }
                stack[top].key = s
                return nil
            }
            stack[top].pairs.append((k, n))
            stack[top].key = nil
            return nil
        }
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
                return .failure(PolicyError(loc(parser.problem_mark), "invalid YAML: \(problem)"))
            }
            defer { yaml_event_delete(&event) }
            let here = loc(event.start_mark)
            var err: PolicyError?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root.map { .success($0) } ?? .failure(PolicyError(here, "empty test file"))
            case YAML_ALIAS_EVENT:
                err = PolicyError(here, "aliases (*name) are not supported; write the value out")
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
                err = add(.scalar(text, plain: s.style == YAML_PLAIN_SCALAR_STYLE, here))
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                if stack.count >= 64 { return .failure(PolicyError(here, "nesting deeper than 64 levels")) }
                stack.append(Frame(isMapping: event.type == YAML_MAPPING_START_EVENT, location: here))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let f = stack.popLast() {
                    err = add(f.isMapping ? .mapping(f.pairs, f.location) : .sequence(f.items, f.location))
                }
            default:
                break
            }
            if let err { return .failure(err) }
        }
    }
}
