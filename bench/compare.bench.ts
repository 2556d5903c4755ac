/**
 * Benchmark: our MCP server side by side with the Go server containers/kubernetes-mcp-server
 * (npm `kubernetes-mcp-server-linux-amd64`, pinned and installed on demand into the cache by
 * bench/support/go-server.ts) on the REAL path of issue 13 (bench/support/keycloak-stack.ts):
 * the real Keycloak of the e2e harness with the stack's realm applied by the project's CLI,
 * real access tokens of `BENCH_CMP_USERS` distinct users (password grant at `mcp-client`),
 * real RFC 8693 exchanges at Keycloak by both servers, the REAL etcd + kube-apiserver trusting
 * the realm, `BENCH_MCP_PODS` Pods listed per call (`pods_list_in_namespace`, table output).
 *
 * Our server runs compiled (`npm run build:mcp-server`) with the config.toml the stack
 * synthesizes into dist/ (machine-local keys replaced, as the e2e suite does), in-cluster as in
 * the pod (`KUBERNETES_SERVICE_HOST/PORT` = the relay, the apiserver CA in a service-account
 * folder; `BENCH_CMP_OURS_STRATEGY=kubeconfig` for the kubeconfig file instead); the Go server
 * gets the same settings in its v0.0.67 keys, with the kubeconfig (address + CA only). Each server reaches the apiserver through its own
 * counting TCP relay in this process ("TLS handshakes" = connections it opened to the
 * apiserver); exchanges are counted at the Keycloak proxy.
 *
 * Rows: per scenario, `BENCH_CMP_ROUNDS` alternating rounds (the server order rotates each
 * round), each `BENCH_CMP_CALLS` calls or `BENCH_CMP_SECONDS` s; callers cycle over the users.
 * Scenarios `BENCH_CMP_SCENARIOS` (`c16` = 16 concurrent callers, sessions reused; `c8session`
 * = 8 callers, a new MCP session — initialize + call + close — per call; `revocation` = the cost
 * of the revocation bound: ours with `sts_cache_max_age` 30 s (default) against ours caching
 * until the exchanged token nears expiry, at `BENCH_CMP_REVOCATION_CONCURRENCY` for
 * `BENCH_CMP_REVOCATION_SECONDS` per round). The floor row: the apiserver alone, the same list
 * (as Table) with exchanged tokens, keep-alive, from this process.
 * `BENCH_CMP_BEFORE=<repo dir>` adds "ours (before)": the compiled server of another checkout
 * (its `mcp-server/dist/main.js`), measured in the same rounds.
 *
 * Defaults are modest for a shared 2-core machine (docs/bench.md gives the run time);
 * `BENCH_CMP_LONG=1` makes every row longer. Run alone: `nice npx tsx bench/compare.bench.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { localMcpConfigToml, resultText } from '../test/e2e/kube/mcp-client.js';
import { startMcpServer } from '../test/e2e/kube/mcp-process.js';
import { freePort, startProgram, stopProgram, waitReady, type StartedProgram } from '../test/e2e/kube/processes.js';
import { ensureGoServerBinary, GO_SERVER_VERSION } from './support/go-server.js';
import { startBenchStack, type BenchStack } from './support/keycloak-stack.js';
import { kubeBinariesPresent, kubeBinDir } from './support/kube.js';
import { mib, ms, msSince, printTable, processCpuMs, processRss, summarize } from './support/stats.js';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const NAMESPACE = 'bench';

const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got "${raw}"`);
  return n;
};

/** One scenario: `c16` = 16 concurrent callers; `c8session` = 8, each call in a new MCP session; `revocation`. */
export interface CompareScenario {
  readonly concurrency: number;
  readonly sessionPerCall: boolean;
  /** The revocation-cost scenario: ours bounded (sts_cache_max_age 30 s) vs ours unbounded. */
  readonly revocation?: boolean;
}

/** Parses `"c1,c16,c8session,revocation"`. @throws Error naming the bad entry */
export function parseCompareScenarios(text: string, revocationConcurrency = 16): CompareScenario[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === 'revocation') return { concurrency: revocationConcurrency, sessionPerCall: false, revocation: true };
      const m = /^c(\d+)(session)?$/.exec(s);
      if (!m || Number(m[1]) < 1) throw new Error(`BENCH_CMP_SCENARIOS: "${s}" is not c<concurrency>[session] or revocation, e.g. c16`);
      return { concurrency: Number(m[1]), sessionPerCall: Boolean(m[2]) };
    });
}

/** A TCP relay to the apiserver that counts the connections made through it. */
interface Relay {
  readonly port: number;
  readonly connections: () => number;
  close(): Promise<void>;
}

async function startRelay(target: URL): Promise<Relay> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    n++;
    const up = net.connect(Number(target.port), target.hostname);
    for (const s of [down, up]) {
      s.setNoDelay(true); // no Nagle delay added by the relay itself
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections: () => n,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The harness's bare kubeconfig (address + CA, no user) with the server URL pointed at `port` on 127.0.0.1. */
function relayedKubeconfig(bare: string, port: number, file: string): string {
  const doc = parseYaml(readFileSync(bare, 'utf8')) as { clusters: Array<{ cluster: { server: string } }> };
  for (const c of doc.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
  writeFileSync(file, stringifyYaml(doc));
  return file;
}

interface Server {
  readonly name: string;
  readonly mcpUrl: string;
  readonly program: StartedProgram;
  readonly relay: Relay;
  /** RSS before the first call. */
  idleRss: number;
  stop(): Promise<void>;
}

/** Our server (compiled, from `root`) with the config.toml dist/ holds, machine-local keys replaced. */
async function startOurs(
  name: string,
  root: string,
  stack: BenchStack,
  work: string,
  relay: Relay,
  extra: Record<string, unknown>,
  profileDir?: string,
): Promise<Server> {
  const port = await freePort();
  const file = (n: string) => join(work, `${name.replace(/\W+/g, '-')}.${n}`);
  const kubeconfig = relayedKubeconfig(stack.kube.bareKubeconfig, relay.port, file('kubeconfig'));
  const base = parseToml(
    await localMcpConfigToml(stack.fixture.distDir, {
      port,
      kubeconfig,
      certificateAuthority: stack.keycloak.caFile,
      stsClientSecretFile: stack.stsSecretFile,
    }),
  );
  const config = file('toml');
  const inCluster = (process.env.BENCH_CMP_OURS_STRATEGY ?? 'in-cluster') === 'in-cluster';
  // In-cluster, as dist/ configures the pod: the apiserver address from KUBERNETES_SERVICE_HOST/PORT
  // (here the relay) and its CA from the service-account folder (KMS_SERVICE_ACCOUNT_DIR).
  const { kubeconfig: _kubeconfig, ...withoutKubeconfig } = base;
  const strategy = inCluster ? { ...withoutKubeconfig, cluster_provider_strategy: 'in-cluster' } : base;
  // Same settings for every server in the table: the listed tools, read-only, table output.
  writeFileSync(config, stringifyToml({ ...strategy, read_only: true, list_output: 'table', ...extra }));
  const saved = { ...process.env };
  if (inCluster) {
    const sa = file('serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'ca.crt'), readFileSync(stack.kube.caFile));
    writeFileSync(join(sa, 'namespace'), `${NAMESPACE}\n`);
    Object.assign(process.env, { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(relay.port), KMS_SERVICE_ACCOUNT_DIR: sa });
  }
  // The server process is spawned synchronously inside startMcpServer: the environment is restored right after.
  const starting = startMcpServer(root, config, port, file('log'), 60_000, {
    compiled: true,
    nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  });
  for (const k of ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KMS_SERVICE_ACCOUNT_DIR']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  const s = await starting;
  return { name, mcpUrl: s.mcpUrl, program: s.program, relay, idleRss: 0, stop: s.stop };
}

/** The Go server with the same settings as ours (`ours` = our parsed config.toml), in its v0.0.67 keys. */
async function startGo(stack: BenchStack, work: string, relay: Relay, ours: Record<string, unknown>): Promise<Server> {
  const port = await freePort();
  const kubeconfig = relayedKubeconfig(stack.kube.bareKubeconfig, relay.port, join(work, 'go.kubeconfig'));
  const config = join(work, 'go.toml');
  // containers/kubernetes-mcp-server v0.0.67 keys ([token_exchange]; the old sts_* keys are refused).
  const goConfig = {
    port: String(port),
    log_level: 0,
    require_oauth: true,
    authorization_url: ours.authorization_url,
    server_url: `http://127.0.0.1:${port}`,
    oauth_audience: ours.oauth_audience,
    oauth_scopes: ours.oauth_scopes ?? [],
    certificate_authority: stack.keycloak.caFile,
    cluster_provider_strategy: 'kubeconfig',
    kubeconfig,
    toolsets: ours.toolsets,
    read_only: true,
    list_output: 'table',
    token_exchange: {
      strategy: 'rfc8693',
      audience: ours.sts_audience,
      scopes: ours.sts_scopes ?? [],
      client_auth: { method: 'client_secret_basic', client_id: ours.sts_client_id, client_secret: stack.stsSecret },
    },
  };
  writeFileSync(config, stringifyToml(goConfig), { mode: 0o600 });
  const program = startProgram('kubernetes-mcp-server', ensureGoServerBinary(), ['--config', config], join(work, 'go.log'));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(program, async () => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200, 60_000);
  } catch (e) {
    await stopProgram(program);
    throw e;
  }
  return { name: `Go ${GO_SERVER_VERSION}`, mcpUrl: `${base}/mcp`, program, relay, idleRss: 0, stop: () => stopProgram(program) };
}

async function connect(mcpUrl: string, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'kube-mcp-stack-compare', version: '0.1.0' });
  await client.connect(transport);
  return client;
}

async function listPods(client: Client): Promise<boolean> {
  const r = await client.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: NAMESPACE } });
  return r.isError !== true;
}

interface Round {
  latencies: number[];
  wallMs: number;
  errors: number;
  firstError?: string;
  cpuMs: number;
  keycloakCpuMs: number;
  exchanges: number;
  connections: number;
  rss: number;
}

/** Users' access tokens, renewed (password grant) before a round when older than `maxAgeMs`. */
class UserTokens {
  private tokens: string[] = [];
  private at = 0;
  constructor(
    private readonly stack: BenchStack,
    private readonly users: number,
    private readonly maxAgeMs: number,
  ) {}
  async current(): Promise<string[]> {
    if (!this.tokens.length || Date.now() - this.at > this.maxAgeMs) {
      this.tokens = await Promise.all(Array.from({ length: this.users }, (_, i) => this.stack.userToken(i)));
      this.at = Date.now();
    }
    return this.tokens;
  }
}

async function runRound(s: Server, stack: BenchStack, tokens: string[], sc: CompareScenario, maxCalls: number, maxMs: number): Promise<Round> {
  // Sessions reused: one client per caller slot, user = slot mod users, connected before timing.
  const clients = sc.sessionPerCall ? [] : await Promise.all(Array.from({ length: sc.concurrency }, (_, i) => connect(s.mcpUrl, tokens[i % tokens.length]!)));
  const cpu0 = processCpuMs(s.program.pid);
  const kcCpu0 = processCpuMs(stack.keycloakPid);
  const ex0 = stack.counts().exchanges;
  const conn0 = s.relay.connections();
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  let firstError: string | undefined;
  let rss = 0;
  const deadline = Date.now() + maxMs;
  const t0 = process.hrtime.bigint();
  // RSS under load: sampled while the callers run (the largest reading).
  const sampler = setInterval(() => (rss = Math.max(rss, processRss(s.program.pid).rss)), 250);
  const worker = async (slot: number) => {
    while (started < maxCalls && Date.now() < deadline) {
      const n = started++;
      const c0 = process.hrtime.bigint();
      try {
        const client = sc.sessionPerCall ? await connect(s.mcpUrl, tokens[n % tokens.length]!) : clients[slot]!;
        const ok = await listPods(client);
        if (sc.sessionPerCall) await client.close();
        if (!ok) {
          errors++;
          firstError ??= 'isError result';
        }
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
      latencies.push(msSince(c0));
    }
  };
  await Promise.all(Array.from({ length: sc.concurrency }, (_, i) => worker(i)));
  clearInterval(sampler);
  const wallMs = msSince(t0);
  const round: Round = {
    latencies,
    wallMs,
    errors,
    firstError,
    cpuMs: processCpuMs(s.program.pid) - cpu0,
    keycloakCpuMs: processCpuMs(stack.keycloakPid) - kcCpu0,
    exchanges: stack.counts().exchanges - ex0,
    connections: s.relay.connections() - conn0,
    rss: Math.max(rss, processRss(s.program.pid).rss),
  };
  await Promise.all(clients.map((c) => c.close()));
  return round;
}

/** The apiserver alone: the same list as Table with an exchanged token, keep-alive, `concurrency` callers. */
async function apiserverFloor(stack: BenchStack, tokens: string[], concurrency: number, maxCalls: number, maxMs: number, apiserverPid: number) {
  const server = new URL(stack.kube.server);
  const ca = (parseYaml(readFileSync(stack.kube.bareKubeconfig, 'utf8')) as { clusters: Array<{ cluster: Record<string, string> }> }).clusters[0]!.cluster[
    'certificate-authority-data'
  ];
  const agent = new https.Agent({ keepAlive: true, ca: ca ? Buffer.from(ca, 'base64') : undefined });
  const get = (token: string) =>
    new Promise<void>((ok, fail) => {
      const r = https.request(
        new URL(`/api/v1/namespaces/${NAMESPACE}/pods`, server),
        { agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? ok() : fail(new Error(`apiserver answered ${res.statusCode}`))));
        },
      );
      r.on('error', fail);
      r.end();
    });
  const latencies: number[] = [];
  let started = 0;
  const cpu0 = processCpuMs(apiserverPid);
  const deadline = Date.now() + maxMs;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < maxCalls && Date.now() < deadline) {
        const n = started++;
        const c0 = process.hrtime.bigint();
        await get(tokens[n % tokens.length]!);
        latencies.push(msSince(c0));
      }
    }),
  );
  const wallMs = msSince(t0);
  agent.destroy();
  return { latencies, wallMs, apiserverCpuMs: processCpuMs(apiserverPid) - cpu0 };
}

const HEAD = [
  'scenario',
  'server',
  'calls',
  'errors',
  'calls/s',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'server CPU ms/call',
  'Keycloak CPU ms/call',
  'RSS under load MiB',
  'exchanges /1000 calls',
  'TLS handshakes /1000 calls',
];

/** Runs the comparison and prints its tables (or one line saying why it was skipped). */
export async function runCompareBench(): Promise<void> {
  if (!kubeBinariesPresent()) {
    process.stdout.write(`\ncomparison benchmark skipped: no kube binaries in ${kubeBinDir()} (bash test/e2e/kube/build.sh)\n`);
    return;
  }
  ensureGoServerBinary(); // installs it once, before any timing starts
  const long = process.env.BENCH_CMP_LONG === '1';
  const revocationConcurrency = envInt('BENCH_CMP_REVOCATION_CONCURRENCY', 16);
  const scenarios = parseCompareScenarios(process.env.BENCH_CMP_SCENARIOS ?? 'c1,c16,c50,c8session,revocation', revocationConcurrency);
  const rounds = envInt('BENCH_CMP_ROUNDS', long ? 5 : 2);
  const maxCalls = envInt('BENCH_CMP_CALLS', long ? 3000 : 400);
  const maxMs = envInt('BENCH_CMP_SECONDS', long ? 30 : 8) * 1000;
  const revocationMs = envInt('BENCH_CMP_REVOCATION_SECONDS', long ? 120 : 40) * 1000;
  const users = envInt('BENCH_CMP_USERS', 50);
  const pods = envInt('BENCH_MCP_PODS', 20);
  const before = process.env.BENCH_CMP_BEFORE ? resolve(process.env.BENCH_CMP_BEFORE) : undefined;
  if (before && !existsSync(join(before, 'mcp-server', 'dist', 'main.js')))
    throw new Error(`BENCH_CMP_BEFORE=${before}: no mcp-server/dist/main.js there (build it: npx tsc -p ${before}/mcp-server/tsconfig.build.json)`);
  const profileDir = process.env.BENCH_MCP_CPU_PROFILE === '1' ? join(repoRoot, '.cache', 'bench', 'cpu-profile-compare') : undefined;
  const work = mkdtempSync(join(tmpdir(), 'kms-bench-cmp-'));
  let stack: BenchStack | undefined;
  const servers: Server[] = [];
  const relays: Relay[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const s of servers) await s.stop();
      for (const r of relays) await r.close();
      await stack?.stop();
      rmSync(work, { recursive: true, force: true });
    })());
  // The servers, Keycloak, etcd and kube-apiserver run detached: stop them on Ctrl-C too.
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the MCP servers, Keycloak, kube-apiserver and etcd\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    stack = await startBenchStack({ users, namespace: NAMESPACE, pods });
    execFileSync('npm', ['run', '--silent', 'build:mcp-server'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    const api = new URL(stack.kube.server);
    const relay = async () => {
      const r = await startRelay(api);
      relays.push(r);
      return r;
    };
    const ours = await startOurs('ours', repoRoot, stack, work, await relay(), {}, profileDir);
    servers.push(ours);
    const oursConfig = parseToml(readFileSync(join(work, 'ours.toml'), 'utf8')) as Record<string, unknown>;
    const go = await startGo(stack, work, await relay(), oursConfig);
    servers.push(go);
    const main = [ours, go];
    if (before) {
      const b = await startOurs('ours (before)', before, stack, work, await relay(), {});
      servers.push(b);
      main.push(b);
    }
    const wantRevocation = scenarios.some((s) => s.revocation);
    // sts_cache_max_age = 3600 (the key's maximum): the cache then keeps a token until 30 s before its exp.
    const unbounded = wantRevocation
      ? await startOurs('ours, cache until expiry', repoRoot, stack, work, await relay(), { sts_cache_max_age: 3600 })
      : undefined;
    if (unbounded) servers.push(unbounded);
    for (const s of servers) s.idleRss = processRss(s.program.pid).rss;
    // Realm access tokens live 300 s (Keycloak's default): renewed between rounds when older than 200 s.
    const userTokens = new UserTokens(stack, users, 200_000);
    // Warm-up: the apiserver loads the realm's JWKS asynchronously; then check the output is the table.
    for (const s of servers) {
      const tokens = await userTokens.current();
      const client = await connect(s.mcpUrl, tokens[0]!);
      const t0 = Date.now();
      for (;;) {
        const r = await client.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: NAMESPACE } });
        if (r.isError !== true && resultText(r).includes('bench-000')) break;
        if (Date.now() - t0 > 60_000) throw new Error(`${s.name}: warm-up failed: ${resultText(r).slice(0, 300)}`);
        await new Promise((res) => setTimeout(res, 500));
      }
      for (let i = 0; i < 10; i++) await listPods(client);
      await client.close();
    }
    const apiserverPid = stack.kube.programs.find((p) => p.name === 'kube-apiserver')!.pid;
    const rows: (string | number)[][] = [];
    const ratios: (string | number)[][] = [];
    const revocationRows: (string | number)[][] = [];
    for (const sc of scenarios) {
      const inRound = sc.revocation ? [ours, unbounded!] : main;
      const acc = new Map<string, Round[]>(inRound.map((s) => [s.name, []]));
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? inRound : [...inRound].reverse();
        for (const s of order)
          acc.get(s.name)!.push(await runRound(s, stack, await userTokens.current(), sc, sc.revocation ? 1e9 : maxCalls, sc.revocation ? revocationMs : maxMs));
      }
      const label = sc.revocation
        ? `revocation cost, c=${sc.concurrency}, ${revocationMs / 1000} s rounds`
        : `c=${sc.concurrency}${sc.sessionPerCall ? ', new session per call' : ''}`;
      const stats = inRound.map((s) => {
        const rs = acc.get(s.name)!;
        const calls = rs.reduce((a, x) => a + x.latencies.length, 0);
        const wall = rs.reduce((a, x) => a + x.wallMs, 0);
        const lat = summarize(rs.flatMap((x) => x.latencies));
        const errors = rs.reduce((a, x) => a + x.errors, 0);
        const first = rs.find((x) => x.firstError)?.firstError;
        if (errors) {
          process.stderr.write(`${s.name} ${label}: ${errors} failed calls, first: ${first}\n`);
          process.exitCode = 1;
        }
        const perK = (v: number) => ((v / calls) * 1000).toFixed(1);
        const cps = calls / (wall / 1000);
        const row = [
          label,
          s.name,
          calls,
          errors,
          cps.toFixed(1),
          ms(lat.p50),
          ms(lat.p90),
          ms(lat.p99),
          (rs.reduce((a, x) => a + x.cpuMs, 0) / calls).toFixed(2),
          (rs.reduce((a, x) => a + x.keycloakCpuMs, 0) / calls).toFixed(2),
          `${mib(Math.min(...rs.map((x) => x.rss)))}–${mib(Math.max(...rs.map((x) => x.rss)))}`,
          perK(rs.reduce((a, x) => a + x.exchanges, 0)),
          perK(rs.reduce((a, x) => a + x.connections, 0)),
        ];
        (sc.revocation ? revocationRows : rows).push(row);
        return { cps, p99: lat.p99, cpu: rs.reduce((a, x) => a + x.cpuMs, 0) / calls };
      });
      if (!sc.revocation) {
        ratios.push([
          label,
          (stats[0]!.cps / stats[1]!.cps).toFixed(2),
          (stats[0]!.p99 / stats[1]!.p99).toFixed(2),
          (stats[0]!.cpu / stats[1]!.cpu).toFixed(2),
          ...(stats[2] ? [(stats[0]!.cps / stats[2].cps).toFixed(2), (stats[0]!.cpu / stats[2].cpu).toFixed(2)] : []),
        ]);
      }
      if (!sc.sessionPerCall && !sc.revocation) {
        const exchanged = await Promise.all((await userTokens.current()).map((t) => stack!.kubeToken(t)));
        const f = await apiserverFloor(stack, exchanged, sc.concurrency, maxCalls, maxMs, apiserverPid);
        const lat = summarize(f.latencies);
        rows.push([
          label,
          'apiserver alone (floor)',
          f.latencies.length,
          0,
          (f.latencies.length / (f.wallMs / 1000)).toFixed(1),
          ms(lat.p50),
          ms(lat.p90),
          ms(lat.p99),
          `(apiserver ${(f.apiserverCpuMs / f.latencies.length).toFixed(2)})`,
          '–',
          '–',
          '–',
          '–',
        ]);
      }
    }
    const version = /kube-apiserver=(\S+)/.exec(stack.kube.versions)?.[1] ?? '';
    printTable(
      `Ours vs Go kubernetes-mcp-server ${GO_SERVER_VERSION}: tools/call pods_list_in_namespace (${pods} Pods, table), REAL Keycloak ${stack.keycloak.version} ` +
        `tokens + RFC 8693 exchange, REAL kube-apiserver ${version}; ${users} users, ${rounds} alternating rounds of ≤ ${maxCalls} calls / ${maxMs / 1000} s; idle RSS: ` +
        servers.map((s) => `${s.name} ${mib(s.idleRss)} MiB`).join(', '),
      HEAD,
      rows,
    );
    printTable(
      'Ratios within this run (ours ÷ Go' + (before ? '; then ours ÷ ours (before)' : '') + ')',
      ['scenario', 'calls/s', 'p99', 'CPU ms/call', ...(before ? ['calls/s vs before', 'CPU ms/call vs before'] : [])],
      ratios,
    );
    if (revocationRows.length)
      printTable(
        `Revocation cost (issue 14): the exchange cache bounded by sts_cache_max_age = 30 s (a revoked user loses access within 30 s) vs kept until 30 s before the exchanged token's exp (realm lifespan 300 s)`,
        HEAD,
        revocationRows,
      );
    const final = stack.counts();
    process.stdout.write(
      `Keycloak proxy totals: ${final.exchanges} exchanges, ${final.otherGrants} other grants (the bench's password grants), ${final.connections} TLS connections\n`,
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
  await runCompareBench();
}
