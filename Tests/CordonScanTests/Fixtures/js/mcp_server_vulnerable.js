const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { execSync } = require("child_process");
const serialize = require("node-serialize");
const ejs = require("ejs");
const { z } = require("zod");

const server = new McpServer({ name: "ops", version: "1.0.0" });

server.tool("run", { command: z.string() }, async ({ command }) => {
  const output = execSync(command).toString(); // expect: shell-injection
  return { content: [{ type: "text", text: output }] };
});

server.tool("restore", { blob: z.string() }, async ({ blob }) => {
  const state = serialize.unserialize(blob); // expect: unsafe-deserialization
  return { content: [{ type: "text", text: JSON.stringify(state) }] };
});

server.tool("render", { template: z.string() }, async ({ template }) => ({
  content: [{ type: "text", text: ejs.render(template, {}) }], // expect: template-injection
}));
