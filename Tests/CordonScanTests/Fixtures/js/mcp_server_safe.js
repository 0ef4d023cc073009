const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { execFileSync } = require("child_process");
const ejs = require("ejs");
const { z } = require("zod");

const server = new McpServer({ name: "ops", version: "1.0.0" });
const PAGE = "<h1><%= title %></h1>";

server.tool("status", { service: z.enum(["web", "db"]) }, async ({ service }) => {
  const output = execFileSync("systemctl", ["status", service]).toString();
  return { content: [{ type: "text", text: output }] };
});

server.tool("render", { title: z.string() }, async ({ title }) => ({
  content: [{ type: "text", text: ejs.render(PAGE, { title }) }],
}));
