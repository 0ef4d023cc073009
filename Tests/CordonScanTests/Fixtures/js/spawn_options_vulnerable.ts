// A process runner whose options object is built first and told to use a shell later
// (mcp-server-commands' shape), and one choosing between a constant and the caller's line.
import { exec, spawn, SpawnOptions } from "child_process";
import { ObjectEncodingOptions } from "fs";

export function runProcess(raw: Record<string, unknown>) {
  const options: ObjectEncodingOptions & SpawnOptions = {
    // spawn options
    encoding: "utf8",
  };
  let spawnCommand = "";
  let spawnArgs: string[] = [];
  if (raw.command_line) {
    (options as any).shell = true;
    spawnCommand = String(raw.command_line);
  } else {
    (options as any).shell = false;
    const argv = raw.argv as string[];
    spawnCommand = argv[0];
    spawnArgs = argv.slice(1);
  }
  return new Promise((resolve) => {
    const child = spawn(spawnCommand, spawnArgs, options); // expect: shell-injection
    child.on("close", (code) => resolve(code));
  });
}

export function runLine(line: string, verbose: boolean) {
  const opts: any = { stdio: "pipe" };
  opts["shell"] = "/bin/bash";
  return spawn(verbose ? line : "true", [], opts); // expect: shell-injection
}

export function listing(userInput: string, wide: boolean, long: boolean) {
  // The last branch of a nested conditional is the caller's text.
  return exec(wide ? "ls -la" : long ? "ls -l" : userInput); // expect: shell-injection
}
