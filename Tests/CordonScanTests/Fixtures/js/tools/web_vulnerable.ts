// A tools module of an MCP server: the handlers (elsewhere) pass the model's arguments to the
// documented functions it exports.
import fs from "fs/promises";

/**
 * Fetch a page for the model.
 * @param url the address to read
 */
export async function readFileFromUrl(url: string): Promise<string> {
  const response = await fetch(url); // expect: ssrf
  return await response.text();
}

/**
 * Read a file the model names.
 */
export async function readNote(filePath: string): Promise<string> {
  return await fs.readFile(filePath, "utf8"); // expect: path-traversal
}
