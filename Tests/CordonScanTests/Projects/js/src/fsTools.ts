// Plain functions; src/agent.ts wraps readNote with the AI SDK's tool().
import fs from "fs/promises";
import path from "path";

const NOTES = "/srv/notes";

export async function readNote({ name }: { name: string }) {
  return fs.readFile(path.join(NOTES, name), "utf8"); // expect: path-traversal
}

export async function listNotes({ dir }: { dir: string }) {
  // Not registered.
  return fs.readdir(path.join(NOTES, dir));
}
