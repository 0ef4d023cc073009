import { exec, execSync } from "node:child_process";
import * as cp from "child_process";
import { promisify } from "util";
import fs from "fs/promises";
import path from "path";
import vm from "node:vm";
import OpenAI from "openai";
import { tool } from "ai";
import { z } from "zod";

const openai = new OpenAI();
const execAsync = promisify(exec);
const WORKSPACE = "/srv/agent";

async function nextCommand(history: any[]): Promise<string> {
  const completion = await openai.chat.completions.create({ model: "gpt-4o", messages: history });
  return completion.choices[0].message.content ?? "";
}

export async function step(history: any[]) {
  const response = await openai.chat.completions.create({ model: "gpt-4o", messages: history });
  const command = response.choices[0].message.content;
  exec(command, (err, stdout) => console.log(stdout)); // expect: shell-injection
  const out = execSync(`bash -lc "${command}"`); // expect: shell-injection
  await execAsync(command); // expect: shell-injection
  cp.spawn(command, { shell: true }); // expect: shell-injection
  cp.spawn("sh", ["-c", command]); // expect: shell-injection
  return out.toString();
}

export async function calculate(history: any[]) {
  const expression = await nextCommand(history);
  const value = eval(expression); // expect: eval-injection
  const fn = new Function("x", expression); // expect: eval-injection
  return vm.runInNewContext(expression, {}); // expect: eval-injection
}

export const readFileTool = tool({
  description: "Read a file from the workspace",
  parameters: z.object({ file: z.string() }),
  execute: async ({ file }) => {
    const full = path.join(WORKSPACE, file); // expect: path-traversal
    return fs.readFile(full, "utf8");
  },
});

export const browse = tool({
  description: "Fetch a URL",
  parameters: z.object({ url: z.string() }),
  execute: async ({ url }) => {
    const res = await fetch(url); // expect: ssrf
    return res.text();
  },
});

export const cleanup = tool({
  description: "Delete a file",
  parameters: z.object({ target: z.string() }),
  execute: async ({ target }) => {
    await fs.rm(target, { recursive: true }); // expect: dangerous-tool-no-approval
    return "ok";
  },
});

export async function findOrders(db: any, customer: string) {
  return db.query(`SELECT * FROM orders WHERE customer = '${customer}'`); // expect: sql-injection
}

export async function chat(userInput: string) {
  return openai.chat.completions.create({
    model: "gpt-4o",
    messages: [
      { role: "system", content: `You are a helpful bot. Context from the user: ${userInput}` }, // expect: system-prompt-injection
    ],
  });
}

export async function loop(history: any[]) {
  while (true) { // expect: unbounded-agent-loop
    const r = await openai.chat.completions.create({ model: "gpt-4o", messages: history });
    history.push(r.choices[0].message);
  }
}

const agent = new https.Agent({ rejectUnauthorized: false }); // expect: tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"; // expect: tls-verification-disabled
