// Which reader a file gets, from its name (and, for policies, MCP configs and scripts without
// an extension, its first bytes).

public enum FileKind: String, Sendable, CaseIterable {
    case python, javascript, shell
    case mcpConfig = "mcp-config"
    case env, dockerfile, compose
    case cordonPolicy = "cordon-policy"

    /// The kind of the file at `path`, or nil when the scanner does not read it. `head` is
    /// the file's first bytes (for a shebang or a policy's keys), when known.
    public static func of(path: String, head: [UInt8] = []) -> FileKind? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let lower = name.lowercased()
        let ext = lower.contains(".") ? String(lower.split(separator: ".").last ?? "") : ""
        switch ext {
        case "py", "pyw": return .python
        case "js", "mjs", "cjs", "ts", "tsx", "jsx", "mts", "cts": return .javascript
        case "sh", "bash", "zsh": return .shell
        default: break
        }
        if ["mcp.json", "claude_desktop_config.json", ".mcp.json", "mcp_config.json", "mcp_settings.json"].contains(
            lower)
        {
            return .mcpConfig
        }
        if lower == ".env" || lower.hasPrefix(".env.") || ext == "env" { return .env }
        if lower == "dockerfile" || lower.hasPrefix("dockerfile.") || ext == "dockerfile" || lower == "containerfile" {
            return .dockerfile
        }
        if (lower.hasPrefix("docker-compose") || lower.hasPrefix("compose.") || lower == "compose.yml"
            || lower == "compose.yaml") && (ext == "yml" || ext == "yaml")
        {
            return .compose
        }
        let text = String(decoding: head.prefix(4096), as: UTF8.self)
        if ext == "json" && text.contains("\"mcpServers\"") { return .mcpConfig }
        if ext == "yaml" || ext == "yml" {
            return looksLikePolicy(text) ? .cordonPolicy : nil
        }
        if ext.isEmpty, text.hasPrefix("#!") {
            let first = text.prefix { $0 != "\n" }
            if first.contains("python") { return .python }
            if first.contains("node") || first.contains("deno") || first.contains("bun") { return .javascript }
            if first.hasSuffix("sh") || first.contains("bash") || first.contains("/sh ") { return .shell }
        }
        return nil
    }

    /// A cordon policy: top-level `gate:` or `sandbox:` beside cordon's own keys.
    static func looksLikePolicy(_ text: String) -> Bool {
        var keys: Set<String> = []
        for line in text.split(separator: "\n") where !line.hasPrefix(" ") && !line.hasPrefix("#") {
            if let colon = line.firstIndex(of: ":") { keys.insert(String(line[..<colon])) }
        }
        return (keys.contains("gate") || keys.contains("sandbox"))
            && !keys.isDisjoint(with: ["extends", "agent_id", "scan", "monitor", "approvals", "gate"])
    }
}
