// An MCP server on the SDK's low-level API: one CallToolRequestSchema handler dispatches every
// tool call, the model's arguments in request.params.arguments.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { readFile } from "fs/promises";
import { runProcess } from "./run_process.js";

export function registerTools(server: Server) {
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    switch (request.params.name) {
      case "run_process": {
        if (!request.params.arguments) {
          throw new Error("Missing arguments for run_process");
        }
        return await runProcess(request.params.arguments); // expect: dangerous-tool-no-approval
      }
      case "read_file": {
        const path = String(request.params.arguments?.path);
        const text = await readFile(path, "utf8"); // expect: path-traversal
        return { content: [{ type: "text", text }] };
      }
      default:
        throw new Error("Unknown tool");
    }
  });
}
