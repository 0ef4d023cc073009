// The names a JavaScript/TypeScript import binds (`import x from "m"`, `import * as x`,
// `import { a, b as c }`), with `node:` module names read as the bare module.

extension JSWalker {
    static func moduleName(_ s: String) -> String { s.hasPrefix("node:") ? String(s.dropFirst(5)) : s }

    /// `import x from "m"`, `import * as x from "m"`, `import { a, b as c } from "m"`.
    static func imports(_ code: inout Code, _ i: Int) {
        let toks = code.tokens
        var j = i + 1
        var names: [(local: String, imported: String?)] = []
        var inBraces = false
        while j < toks.count && !toks[j].isName("from") && !toks[j].isOp(";") && toks[j].kind != .string {
            let t = toks[j]
            if t.isOp("*"), j + 2 < toks.count, toks[j + 1].isName("as") {
                names.append((toks[j + 2].text, nil))
                j += 3
                continue
            }
            if t.isOp("{") { inBraces = true }
            if t.isOp("}") { inBraces = false }
            if t.kind == .name && t.text != "as" && t.text != "type" && !(j > 0 && toks[j - 1].isName("as")) {
                var local = t.text
                if j + 2 < toks.count && toks[j + 1].isName("as") { local = toks[j + 2].text }
                names.append((local, inBraces ? t.text : nil))
            }
            j += 1
        }
        if j < toks.count && toks[j].isName("from") { j += 1 }
        guard j < toks.count, toks[j].kind == .string else { return }
        let m = moduleName(toks[j].text)
        for (local, imported) in names {
            if let imported {
                code.aliases[local] = m + "." + imported
            } else {
                code.aliases[local] = m
                code.modules.insert(local)
            }
        }
    }
}
