// Reading a file once before the rules run: the functions, classes and instances it defines,
// and whether approval machinery appears anywhere in it.

extension CodeRules {
    init(language: Language, tokens: [Token]) {
        self.language = language
        var local: Set<String> = []
        var classes: Set<String> = []
        let def = Token.pack("def")
        let function = Token.pack("function")
        let klass = Token.pack("class")
        tokens.withUnsafeBufferPointer { t in
            // Keys only: no token is copied on this pass over the whole file.
            for i in 0..<max(0, t.count - 1) where t[i].kind == .name && t[i + 1].kind == .name {
                if t[i].key == def || t[i].key == function {
                    local.insert(t[i + 1].text)
                } else if t[i].key == klass {
                    classes.insert(t[i + 1].text)
                }
            }
        }
        self.localFunctions = local
        var instances: Set<String> = []
        if !classes.isEmpty {
            // By key first (a name's first bytes): `x = f(...)` is common, a class of the file rare.
            let classKeys = Set(
                classes.map { name in
                    var n = name
                    return n.withUTF8 { Token.pack($0, 0, $0.count) }
                })
            tokens.withUnsafeBufferPointer { t in
                for i in 0..<max(0, t.count - 3)
                where t[i + 1].key == Op.assign && t[i + 1].kind == .op && t[i].kind == .name && t[i + 2].kind == .name
                    && t[i + 3].key == Op.lparen && classKeys.contains(t[i + 2].key) && classes.contains(t[i + 2].text)
                {
                    instances.insert(t[i].text)
                }
            }
        }
        self.localInstances = instances
        var approval = false
        let markers = Self.fileApprovalMarkers
        for i in tokens.indices where tokens[i].kind == .name || tokens[i].kind == .string {
            if markers.contains(tokens[i]) {
                approval = true
                break
            }
        }
        self.fileHasApproval = approval
    }

    static let fileApprovalMarkers = WordSet([
        "HumanApprovalCallbackHandler", "interrupt_before", "interrupt_after", "interrupt", "needsApproval",
        "requireApproval", "require_approval", "human_in_the_loop", "HumanInTheLoopMiddleware", "approval_required",
        "requires_approval", "ALWAYS",
    ])
}
