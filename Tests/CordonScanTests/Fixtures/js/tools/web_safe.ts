// Near misses of web_vulnerable.ts: a documented tool that fetches a fixed host or checks the
// host against an allow-list, a documented function with no parameter, and an undocumented
// helper (not part of the module's tool API).

const ALLOWED_HOSTS = new Set(["api.github.com", "registry.npmjs.org"]);

/**
 * Look up a package on the npm registry.
 */
export async function packageInfo(name: string): Promise<unknown> {
  const response = await fetch(`https://registry.npmjs.org/${encodeURIComponent(name)}`);
  return await response.json();
}

/**
 * Fetch a page from an allowed host.
 */
export async function fetchAllowed(url: string): Promise<string> {
  const host = new URL(url).hostname;
  if (!ALLOWED_HOSTS.has(host)) {
    throw new Error(`host ${host} is not allowed`);
  }
  const response = await fetch(url);
  return await response.text();
}

/**
 * The server's own health page.
 */
export async function health(): Promise<number> {
  const response = await fetch("http://localhost:8080/health");
  return response.status;
}

export async function download(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  return await response.arrayBuffer();
}
