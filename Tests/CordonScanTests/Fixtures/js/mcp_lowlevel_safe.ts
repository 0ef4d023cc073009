// Near misses of mcp_lowlevel_vulnerable.ts: the tool list handler is not a tool, a runner
// called only with the operator's constant, a command the handler only parses, and a run the
// user confirms first.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { runProcess } from "./run_process.js";
import { parseCommand } from "./parse.js";
import { confirmWithUser } from "./ui.js";

export function registerTools(server: Server) {
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    await runProcess({ argv: ["git", "--version"] });
    return { tools: [{ name: "plan", inputSchema: { type: "object" } }] };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    if (request.params.name === "version") {
      return await runProcess({ argv: ["node", "--version"] });
    }
    if (request.params.name === "plan") {
      const steps = parseCommand(String(request.params.arguments?.command));
      return { content: [{ type: "text", text: JSON.stringify(steps) }] };
    }
    const line = String(request.params.arguments?.command_line);
    if (!(await confirmWithUser(`Run ${line}?`))) {
      return { content: [{ type: "text", text: "declined" }] };
    }
    return await runProcess({ command_line: line });
  });
}
