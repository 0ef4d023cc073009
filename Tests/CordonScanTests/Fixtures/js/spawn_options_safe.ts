// Near misses of spawn_options_vulnerable.ts: options held in a name that never ask for a
// shell (or turn it off), a command chosen between constants, and a map of sessions whose
// `delete`/`get` are not HTTP requests.
import { spawn, exec } from "child_process";
import os from "os";
import { promisify } from "util";

const execAsync = promisify(exec);

export function runArgv(argv: string[]) {
  const options: any = { encoding: "utf8" };
  options.shell = false;
  options.detached = true;
  return spawn(argv[0], argv.slice(1), options);
}

export async function listProcesses() {
  const command = os.platform() === "win32" ? "tasklist" : "ps aux";
  const { stdout } = await execAsync(command);
  return stdout.split("\n").slice(1);
}

export class TerminalManager {
  private sessions = new Map<number, { pid: number }>();
  private clients = new Map<string, unknown>();

  finish(pid: number) {
    this.sessions.delete(pid);
    return this.sessions.get(pid);
  }

  drop(id: string) {
    return this.clients.get(id);
  }
}

export async function pager(userPreference: string, wide: boolean) {
  // The caller's text only chooses between constant commands (a nested condition).
  return await execAsync(wide ? "ls -la" : userPreference === "less" ? "less README" : "more README");
}
