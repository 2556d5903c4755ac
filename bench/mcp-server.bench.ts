/**
 * Benchmark: the bundled MCP server under concurrent `tools/call pods_list_in_namespace`.
 *
 * Set-up (all on 127.0.0.1): the bench OpenID provider (bench/support/bench-issuer.ts, HTTPS,
 * RFC 8693 exchanges answered with JWTs), the REAL etcd + kube-apiserver + controller manager of
 * the e2e harness (bench/support/kube.ts; the apiserver's JWT authenticator trusts the bench
 * issuer), a namespace with `BENCH_MCP_PODS` Pods readable by group `bench-users`, and the MCP
 * server as a child process, compiled first (`npm run build:mcp-server`), then
 * `node mcp-server/dist/main.js --config <tmp toml>` with
 * `require_oauth = true`, `read_only = true`, toolset `core`, table output, the kubeconfig strategy
 * with a kubeconfig holding only the apiserver address and CA.
 *
 * Load: per scenario `M` users (each its own access token and MCP SDK Client over Streamable
 * HTTP) × `K` concurrent callers per user, until `BENCH_MCP_CALLS` calls completed or
 * `BENCH_MCP_SECONDS` passed. The `fresh` scenario mints a new subject token for every HTTP
 * request, so every call costs one token exchange (the cache cannot help). Before the
 * scenarios, warm-up calls run until one succeeds (the apiserver loads the issuer's JWKS
 * asynchronously) plus a few more.
 *
 * Table 1 (load): calls, errors (`isError` results or thrown), throughput (calls/s over the
 * scenario's wall time), client-side latency p50/p95/p99 (ms), and the server's own mean tool
 * time (delta of `mcp_tool_call_duration_seconds` sum/count).
 * Table 2 (cost): token exchanges and cache hits per call (deltas of `mcp_token_exchanges_total`
 * and `mcp_token_exchange_cache_hits_total`), CPU ms per call of the MCP server and of
 * kube-apiserver (/proc/<pid>/stat utime+stime, 10 ms ticks), the server's RSS after the
 * scenario and its peak RSS so far (/proc VmRSS, VmHWM).
 *
 * Run alone: `nice npx tsx bench/mcp-server.bench.ts`. Scenarios: `BENCH_MCP_SCENARIOS`
 * (default `1x1,4x4,8x8,4x4fresh`: users×concurrency, `fresh` = new token per request).
 * `BENCH_MCP_CPU_PROFILE=1` runs the server with `node --cpu-prof`: a V8 CPU profile in
 * `<cache>/bench/cpu-profile/` when it stops (bench/support/profile-summary.ts summarises it).
 * Skipped (one line saying why) when the kube binaries have not been built. Exit code 1 when
 * any call failed (the numbers of such a run are not comparable). The server's log is kept in
 * `<cache>/bench/mcp-server.log`, the harness's in `<cache>/bench/kube-run/logs/`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { counterTotal, resultText } from '../test/e2e/kube/mcp-client.js';
import { startMcpServer, mcpServerPort, type RunningMcpServer } from '../test/e2e/kube/mcp-process.js';
import { startBenchIssuer, type BenchIssuer } from './support/bench-issuer.js';
import { kubeBinariesPresent, kubeBinDir, seedNamespace, startBenchKube, type BenchKube } from './support/kube.js';
import { mib, ms, msSince, printTable, processCpuMs, processRss, summarize } from './support/stats.js';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const NAMESPACE = 'bench';
const GROUP = 'bench-users';
const STS_SECRET = 'bench-sts-secret';

/** One load scenario. */
export interface Scenario {
  readonly users: number;
  readonly concurrency: number;
  /** New subject token per HTTP request (every call exchanges). */
  readonly fresh: boolean;
}

/** Parses `"1x1,4x4,4x4fresh"`. @throws Error naming the bad entry */
export function parseScenarios(text: string): Scenario[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\d+)x(\d+)(fresh)?$/.exec(s);
      if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`BENCH_MCP_SCENARIOS: "${s}" is not <users>x<concurrency>[fresh], e.g. 4x4`);
      return { users: Number(m[1]), concurrency: Number(m[2]), fresh: Boolean(m[3]) };
    });
}

const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got "${raw}"`);
  return n;
};

/** An SDK client whose every HTTP request carries `Authorization: Bearer <token()>`. */
async function connect(mcpUrl: string, token: () => string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    fetch: (url, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token()}`);
      return fetch(url, { ...init, headers });
    },
  });
  const client = new Client({ name: 'kube-mcp-stack-bench', version: '0.1.0' });
  await client.connect(transport);
  return client;
}

/** One `pods_list_in_namespace` call; true when it returned a non-error result. */
async function listPods(client: Client): Promise<boolean> {
  const result = await client.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: NAMESPACE } });
  return result.isError !== true;
}

interface ScenarioResult {
  readonly latencies: number[];
  /** CPU ms used during the scenario by the MCP server and by kube-apiserver. */
  readonly serverCpuMs: number;
  readonly apiserverCpuMs: number;
  /** Server-side tool time (mcp_tool_call_duration_seconds): sum in ms and count. */
  readonly toolMsSum: number;
  readonly toolCount: number;
  readonly errors: number;
  readonly wallMs: number;
  readonly exchanges: number;
  readonly cacheHits: number;
  readonly rss: number;
  readonly peakRss: number;
  readonly firstError?: string;
}

async function runScenario(
  server: RunningMcpServer,
  apiserverPid: number,
  issuer: BenchIssuer,
  sc: Scenario,
  tag: string,
  maxCalls: number,
  maxMs: number,
): Promise<ScenarioResult> {
  const clients: Client[] = [];
  for (let u = 0; u < sc.users; u++) {
    const name = `${tag}-u${u}`;
    const fixed = await issuer.userToken(name, [GROUP]);
    // Fresh mode: a pool minted ahead, so signing is not part of the measured latency.
    const pool = sc.fresh ? await Promise.all(Array.from({ length: Math.ceil((maxCalls * 1.2) / sc.users) + 4 }, () => issuer.userToken(name, [GROUP]))) : [];
    let next = 0;
    clients.push(await connect(server.mcpUrl, () => (sc.fresh ? pool[next++ % pool.length]! : fixed)));
  }
  const readCounters = async () => ({
    ex: await counterTotal(server.baseUrl, 'mcp_token_exchanges_total'),
    hits: await counterTotal(server.baseUrl, 'mcp_token_exchange_cache_hits_total'),
    toolSeconds: await counterTotal(server.baseUrl, 'mcp_tool_call_duration_seconds_sum'),
    tools: await counterTotal(server.baseUrl, 'mcp_tool_call_duration_seconds_count'),
    serverCpu: processCpuMs(server.program.pid),
    apiserverCpu: processCpuMs(apiserverPid),
  });
  const before = await readCounters();
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  let firstError: string | undefined;
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + maxMs;
  const worker = async (client: Client) => {
    while (started < maxCalls && Date.now() < deadline) {
      started++;
      const c0 = process.hrtime.bigint();
      try {
        if (!(await listPods(client))) {
          errors++;
          firstError ??= 'isError result';
        }
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
      latencies.push(msSince(c0));
    }
  };
  await Promise.all(clients.flatMap((c) => Array.from({ length: sc.concurrency }, () => worker(c))));
  const wallMs = msSince(t0);
  const after = await readCounters();
  await Promise.all(clients.map((c) => c.close()));
  const { rss, peak } = processRss(server.program.pid);
  return {
    latencies,
    errors,
    wallMs,
    exchanges: after.ex - before.ex,
    cacheHits: after.hits - before.hits,
    rss,
    peakRss: peak,
    firstError,
    serverCpuMs: after.serverCpu - before.serverCpu,
    apiserverCpuMs: after.apiserverCpu - before.apiserverCpu,
    toolMsSum: (after.toolSeconds - before.toolSeconds) * 1000,
    toolCount: after.tools - before.tools,
  };
}

/** Calls until one succeeds (at most `timeoutMs`), then `extra` more. @throws Error with the last failure */
async function warmUp(server: RunningMcpServer, issuer: BenchIssuer, extra: number, timeoutMs = 60_000): Promise<number> {
  const token = await issuer.userToken('warmup', [GROUP]);
  const client = await connect(server.mcpUrl, () => token);
  const t0 = Date.now();
  let last = '';
  try {
    for (;;) {
      const result = await client.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: NAMESPACE } });
      if (result.isError !== true) break;
      last = JSON.stringify(result.content).slice(0, 300);
      if (Date.now() - t0 > timeoutMs) throw new Error(`warm-up: no successful call in ${timeoutMs} ms; last result ${last}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const ready = Date.now() - t0;
    // Measure the real thing: the listing must show the seeded Pods (kubectl-like table).
    const text = resultText(await client.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: NAMESPACE } }));
    if (!/^NAME\s/m.test(text) || !text.includes('bench-000')) throw new Error(`warm-up: unexpected pods_list_in_namespace output: ${text.slice(0, 300)}`);
    for (let i = 0; i < extra; i++) await listPods(client);
    return ready;
  } finally {
    await client.close();
  }
}

/** The server's config.toml (TOML basic strings are JSON-compatible for these values). */
function serverToml(issuer: BenchIssuer, port: number, secretFile: string, kubeconfig: string): string {
  return [
    `port = ${port}`,
    'require_oauth = true',
    `authorization_url = ${JSON.stringify(issuer.issuer)}`,
    `server_url = "http://127.0.0.1:${port}"`,
    'oauth_audience = "mcp-server"',
    'oauth_scopes = ["mcp-server"]',
    'sts_client_id = "mcp-server"',
    `sts_client_secret_file = ${JSON.stringify(secretFile)}`,
    'sts_audience = "openshift"',
    'sts_scopes = ["mcp:openshift"]',
    `certificate_authority = ${JSON.stringify(issuer.caFile)}`,
    'cluster_provider_strategy = "kubeconfig"',
    `kubeconfig = ${JSON.stringify(kubeconfig)}`,
    'toolsets = ["core"]',
    'read_only = true',
    'list_output = "table"',
    '',
  ].join('\n');
}

/** `npm run build:mcp-server`: the benchmark measures the compiled JavaScript the image runs (tsx only in development). */
export function buildMcpServer(): void {
  execFileSync('npm', ['run', '--silent', 'build:mcp-server'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Runs the MCP server benchmark and prints its table (or one line saying why it was skipped). */
export async function runMcpServerBench(): Promise<void> {
  if (!kubeBinariesPresent()) {
    process.stdout.write(`\nMCP server benchmark skipped: no kube binaries in ${kubeBinDir()} (build them with "bash test/e2e/kube/build.sh")\n`);
    return;
  }
  const scenarios = parseScenarios(process.env.BENCH_MCP_SCENARIOS ?? '1x1,4x4,8x8,4x4fresh');
  const maxCalls = envInt('BENCH_MCP_CALLS', 400);
  const maxMs = envInt('BENCH_MCP_SECONDS', 15) * 1000;
  const pods = envInt('BENCH_MCP_PODS', 20);
  const work = mkdtempSync(join(tmpdir(), 'kms-bench-mcp-'));
  let issuer: BenchIssuer | undefined;
  let kube: BenchKube | undefined;
  let server: RunningMcpServer | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await server?.stop();
      await kube?.stop();
      await issuer?.close();
      rmSync(work, { recursive: true, force: true });
    })());
  // etcd, kube-apiserver and the MCP server run detached: stop them on Ctrl-C too, then exit
  // quietly (the interrupted calls fail meanwhile; their errors are not the result).
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the MCP server, kube-apiserver and etcd\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    issuer = await startBenchIssuer({ clientId: 'mcp-server', clientSecret: STS_SECRET });
    const tKube = Date.now();
    kube = await startBenchKube({ url: issuer.issuer, caPem: issuer.caPem }, 'openshift');
    await seedNamespace(kube.state, NAMESPACE, pods, [{ kind: 'Group', name: GROUP }]);
    const kubeSeconds = (Date.now() - tKube) / 1000;
    const secretFile = join(work, 'sts-secret');
    writeFileSync(secretFile, `${STS_SECRET}\n`, { mode: 0o600 });
    const port = await mcpServerPort();
    const configFile = join(work, 'config.toml');
    writeFileSync(configFile, serverToml(issuer, port, secretFile, kube.state.bareKubeconfig));
    buildMcpServer();
    const tServer = Date.now();
    const serverLog = join(kube.dir, 'mcp-server.log');
    writeFileSync(serverLog, '');
    const profileDir = process.env.BENCH_MCP_CPU_PROFILE === '1' ? join(kube.dir, 'cpu-profile') : undefined;
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    server = await startMcpServer(repoRoot, configFile, port, serverLog, 60_000, {
      compiled: true,
      nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    });
    if (profileDir) process.stderr.write(`CPU profile of the MCP server (start-up included) will be written to ${profileDir} when it stops\n`);
    const serverSeconds = (Date.now() - tServer) / 1000;
    const idle = processRss(server.program.pid);
    const readyMs = await warmUp(server, issuer, 20);

    const apiserverPid = kube.state.programs.find((p) => p.name === 'kube-apiserver')?.pid;
    if (apiserverPid === undefined) throw new Error('kube-apiserver pid not in the harness state');
    const load: (string | number)[][] = [];
    const cost: (string | number)[][] = [];
    for (const [i, sc] of scenarios.entries()) {
      const r = await runScenario(server, apiserverPid, issuer, sc, `s${i}`, maxCalls, maxMs);
      const s = summarize(r.latencies);
      const calls = r.latencies.length;
      const label = `${sc.users} × ${sc.concurrency}${sc.fresh ? ', new token per request' : ''}`;
      load.push([label, calls, r.errors, (calls / (r.wallMs / 1000)).toFixed(1), ms(s.p50), ms(s.p95), ms(s.p99), ms(r.toolMsSum / (r.toolCount || 1))]);
      cost.push([
        label,
        (r.exchanges / calls).toFixed(3),
        (r.cacheHits / calls).toFixed(3),
        (r.serverCpuMs / calls).toFixed(2),
        (r.apiserverCpuMs / calls).toFixed(2),
        mib(r.rss),
        mib(r.peakRss),
      ]);
      if (r.firstError) {
        process.stderr.write(`scenario ${label}: ${r.errors} failed calls, first: ${r.firstError} (server log: ${serverLog})\n`);
        process.exitCode = 1;
      }
    }
    const version = /kube-apiserver=(\S+)/.exec(kube.state.versions)?.[1] ?? '';
    printTable(
      `MCP server, tools/call pods_list_in_namespace (${pods} Pods, table output), require_oauth, REAL kube-apiserver ${version} + etcd, ` +
        `in-process HTTPS issuer/token endpoint; ≤ ${maxCalls} calls or ${maxMs / 1000} s per row; ` +
        `start: kube ${kubeSeconds.toFixed(1)} s, MCP server ${serverSeconds.toFixed(1)} s (first successful call ${(readyMs / 1000).toFixed(1)} s later)`,
      ['users × concurrent', 'calls', 'errors', 'calls/s', 'p50 ms', 'p95 ms', 'p99 ms', 'server tool ms (mean)'],
      load,
    );
    printTable(
      `MCP server cost per call (same runs; server idle RSS before the first call ${mib(idle.rss)} MiB)`,
      ['users × concurrent', 'exchanges/call', 'cache hits/call', 'server CPU ms/call', 'apiserver CPU ms/call', 'server RSS MiB', 'server peak RSS MiB'],
      cost,
    );
  } catch (err) {
    if (cleaning) await new Promise(() => undefined); // interrupted: onSignal exits the process
    throw err;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runMcpServerBench();
}
