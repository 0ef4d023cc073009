// A YAML document as a tree of nodes that remember where they were written, built from
// libyaml's event stream. Policies need positions on every value for `FILE:LINE:COL`
// errors, which libyaml's own document API does not keep past construction of its nodes.
// Typing is left to the policy decoder: a scalar stays text until the schema says what it
// should be, so YAML 1.1 surprises (`no` as false, `010` as octal) never happen.
import CYAML

public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        /// `plain`: written without quotes (only plain scalars can mean null).
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    public var content: Content
    public var location: SourceLocation

    var isNull: Bool {
        guard case .scalar(let s, let plain) = content, plain else { return false }
        return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }

    /// "a string", "a list", ... for "must be X, found Y" messages.
    var kindDescription: String {
        switch content {
        case .scalar: return isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    var scalar: String? {
        if case .scalar(let s, _) = content { return s }
        return nil
    }

    var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let m) = content { return m }
        return nil
    }

    var sequence: [YAMLNode]? {
        if case .sequence(let s) = content { return s }
        return nil
    }

    /// The value under a scalar key, if this is a mapping that has it.
    subscript(key: String) -> YAMLNode? {
        mapping?.first(where: { $0.key.scalar == key })?.value
    }
}

/// A problem found while reading a policy: where, and what.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }
    /// `FILE:LINE:COL: message`, the form every error takes on stderr.
    public var description: String { "\(location): \(message)" }
}

public enum YAMLReader {
    /// Deeper than any sensible policy; bounds the builder's stack against hostile input.
    static let maxDepth = 64

    /// Parses one YAML document. Syntax errors stop libyaml, so they come back alone;
    /// structural problems (duplicate keys, aliases) are collected and parsing goes on.
    public static func read(_ bytes: [UInt8], file: String) -> (YAMLNode?, [PolicyError]) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return (
                nil, [PolicyError(SourceLocation(file: file, line: 1, column: 1), "cannot initialise the YAML parser")]
            )
        }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buf in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            var builder = Builder(file: file)
            return builder.run(&parser)
        }
    }

    struct Builder {
        let file: String
        var errors: [PolicyError] = []
        /// Open collections. Items live in the frame, not in a node's enum payload, so
        /// appending does not copy the array each time.
        struct Frame {
            var isMapping: Bool
            var location: SourceLocation
            var items: [YAMLNode] = []
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var pendingKey: YAMLNode?
        }
        var stack: [Frame] = []
        var root: YAMLNode?
        var documents = 0

        init(file: String) { self.file = file }

        func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }

        mutating func run(_ parser: inout yaml_parser_t) -> (YAMLNode?, [PolicyError]) {
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
                    var message = "invalid YAML: \(problem)"
                    if let context = parser.context.map({ String(cString: $0) }) {
                        message += " (\(context) at line \(parser.context_mark.line + 1))"
                    }
                    errors.append(PolicyError(location(parser.problem_mark), message))
                    return (nil, errors)
                }
                defer { yaml_event_delete(&event) }
                let here = location(event.start_mark)
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return (root, errors)
                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    if documents > 1 {
                        errors.append(PolicyError(here, "a policy file holds one YAML document; found a second '---'"))
                        return (root, errors)
                    }
                case YAML_ALIAS_EVENT:
                    // Aliases let a few lines expand into exponentially many nodes, and a
                    // policy is easier to review when every value is written where it applies.
                    errors.append(
                        PolicyError(here, "aliases (*name) are not supported in policies; write the value out"))
                    add(YAMLNode(content: .scalar("", plain: true), location: here))
                case YAML_SCALAR_EVENT:
                    let s = event.data.scalar
                    let text = String(
                        decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
                    let plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nil
                    add(YAMLNode(content: .scalar(text, plain: plain), location: here))
                case YAML_SEQUENCE_START_EVENT:
                    if !push(Frame(isMapping: false, location: here)) { return (nil, errors) }
                case YAML_MAPPING_START_EVENT:
                    if !push(Frame(isMapping: true, location: here)) { return (nil, errors) }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let done = stack.popLast() {
                        add(
                            YAMLNode(
                                content: done.isMapping ? .mapping(done.pairs) : .sequence(done.items),
                                location: done.location))
                    }
                default:
                    break
                }
            }
        }

        mutating func push(_ frame: Frame) -> Bool {
            if stack.count >= YAMLReader.maxDepth {
                errors.append(PolicyError(frame.location, "nesting deeper than \(YAMLReader.maxDepth) levels"))
                return false
            }
            stack.append(frame)
            return true
        }

        mutating func add(_ node: YAMLNode) {
            guard let top = stack.indices.last else {
                root = node
                return
            }
            guard stack[top].isMapping else {
                stack[top].items.append(node)
                return
            }
            guard let key = stack[top].pendingKey else {
                stack[top].pendingKey = node
                return
            }
            stack[top].pendingKey = nil
            if key.scalar == nil {
                errors.append(
                    PolicyError(key.location, "mapping keys must be plain strings, found \(key.kindDescription)"))
            } else if let first = stack[top].pairs.first(where: { $0.key.scalar == key.scalar }) {
                errors.append(
                    PolicyError(
                        key.location,
                        "duplicate key '\(key.scalar ?? "")' (first at line \(first.key.location.line), column \(first.key.location.column))"
                    ))
            } else {
                stack[top].pairs.append((key, node))
            }
        }
    }
}
