/**
 * Runs the bundled MCP server (mcp-server/src/main.ts, via tsx) as a separate process for the
 * suite: `--config <file>` only, on a port chosen by the caller, log to a file; ready when
 * `/readyz` answers 200 (the issuer's metadata and JWKS were loaded). Stopped by pid.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, StartedProgram, startProgram, stopProgram, waitReady } from './processes.js';

/** A running MCP server. */
export interface RunningMcpServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** `<baseUrl>/mcp` (Streamable HTTP). */
  readonly mcpUrl: string;
  readonly program: StartedProgram;
  stop(): Promise<void>;
}

export interface StartMcpServerOptions {
  /**
   * Run the compiled JavaScript `mcp-server/dist/main.js` (what the image runs; build it first with
   * `npm run build:mcp-server`) instead of the TypeScript source through tsx. @default false
   */
  readonly compiled?: boolean;
  /** Extra `node` flags before the entry point, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
}

/** A free loopback port for the next server's `port` key. */
export const mcpServerPort = freePort;

/**
 * Starts `node --import <tsx loader> mcp-server/src/main.ts --config <configFile>` (or, with
 * `opts.compiled`, `node mcp-server/dist/main.js --config <configFile>`) listening on `port`. The loader runs in the same process (unlike the `tsx` CLI, which forks a child), so
 * the recorded pid is the server itself.
 * @throws Error with the tail of the server's log when it exits or is not ready in `timeoutMs`
 */
export async function startMcpServer(
  repoRoot: string,
  configFile: string,
  port: number,
  logFile: string,
  timeoutMs = 60_000,
  opts: StartMcpServerOptions = {},
): Promise<RunningMcpServer> {
  const loader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const args = opts.compiled
    ? [...(opts.nodeArgs ?? []), join(repoRoot, 'mcp-server', 'dist', 'main.js'), '--config', configFile]
    : [...(opts.nodeArgs ?? []), '--import', loader, join(repoRoot, 'mcp-server', 'src', 'main.ts'), '--config', configFile];
  const program = startProgram('mcp-server', process.execPath, args, logFile);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitReady(program, async () => (await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200, timeoutMs);
  } catch (err) {
    await stopProgram(program);
    throw err;
  }
  return { baseUrl, mcpUrl: `${baseUrl}/mcp`, program, stop: () => stopProgram(program) };
}
