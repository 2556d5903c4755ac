/**
 * Benchmark: our MCP server side by side with the Go server containers/kubernetes-mcp-server
 * (npm `kubernetes-mcp-server-linux-amd64`, pinned and installed on demand into the cache by
 * bench/support/go-server.ts) on the same harness: the bench OpenID provider (HTTPS, RFC 8693 exchanges answered
 * with signed JWTs; bench/support/bench-issuer.ts), the REAL etcd + kube-apiserver of the e2e
 * harness, `BENCH_MCP_PODS` Pods listed per call (`pods_list_in_namespace`, table output).
 *
 * Both servers get the same settings: `require_oauth`, audience `mcp-server`, exchange to
 * audience `openshift` with `client_secret_basic`, toolset `core`, `read_only`, the kubeconfig
 * strategy with a kubeconfig holding only the apiserver address and CA. Ours runs compiled
 * (`npm run build:mcp-server`). Each server reaches the apiserver through its own counting TCP
 * relay in this process, so "TLS handshakes" is the number of connections the server opened to
 * the apiserver (one TLS handshake each; the relay does not look inside).
 *
 * Rows: for each scenario, `BENCH_CMP_ROUNDS` alternating rounds (ours, Go, Go, ours, …), each
 * `BENCH_CMP_CALLS` calls or `BENCH_CMP_SECONDS` s, spread over `BENCH_CMP_USERS` distinct users;
 * scenarios `BENCH_CMP_SCENARIOS` (default `c1,c16,c8session`: concurrency; `session` = a new MCP
 * session (initialize) per call). The floor row is the apiserver alone: the same list (as Table)
 * with an exchanged token, keep-alive, from this process. Ratios are within one run.
 *
 * Default: about a minute of load. `BENCH_CMP_LONG=1`: 5 rounds, 2000 calls / 30 s per row,
 * 50 users, scenarios c1,c16,c50,c8session.
 * Run alone: `nice npx tsx bench/compare.bench.ts` (or `npm run bench -- compare`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { resultText } from '../test/e2e/kube/mcp-client.js';
import { startMcpServer } from '../test/e2e/kube/mcp-process.js';
import { freePort, startProgram, stopProgram, waitReady, type StartedProgram } from '../test/e2e/kube/processes.js';
import { startBenchIssuer, type BenchIssuer } from './support/bench-issuer.js';
import { ensureGoServerBinary, GO_SERVER_VERSION } from './support/go-server.js';
import { kubeBinariesPresent, kubeBinDir, seedNamespace, startBenchKube, type BenchKube } from './support/kube.js';
import { mib, ms, msSince, printTable, processCpuMs, processRss, summarize } from './support/stats.js';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const NAMESPACE = 'bench';
const GROUP = 'bench-users';
const SECRET = 'bench-sts-secret';

const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got "${raw}"`);
  return n;
};

/** One scenario: `c16` = 16 concurrent callers; `c8session` = 8, each call in a new MCP session. */
export interface CompareScenario {
  readonly concurrency: number;
  readonly sessionPerCall: boolean;
}

/** Parses `"c1,c16,c8session"`. @throws Error naming the bad entry */
export function parseCompareScenarios(text: string): CompareScenario[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^c(\d+)(session)?$/.exec(s);
      if (!m || Number(m[1]) < 1) throw new Error(`BENCH_CMP_SCENARIOS: "${s}" is not c<concurrency>[session], e.g. c16`);
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
  stop(): Promise<void>;
}

async function startOurs(issuer: BenchIssuer, work: string, kubeconfig: string, relay: Relay, log: string): Promise<Server> {
  const port = await freePort();
  const secretFile = join(work, 'ours-secret');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  const config = join(work, 'ours.toml');
  writeFileSync(
    config,
    [
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
    ].join('\n'),
  );
  const profileDir = process.env.BENCH_MCP_CPU_PROFILE === '1' ? join(work, '..', 'cpu-profile-compare') : undefined;
  const s = await startMcpServer(repoRoot, config, port, log, 60_000, {
    compiled: true,
    nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  });
  return { name: 'ours (Node, compiled)', mcpUrl: s.mcpUrl, program: s.program, relay, stop: s.stop };
}

async function startGo(issuer: BenchIssuer, work: string, kubeconfig: string, relay: Relay, log: string): Promise<Server> {
  const port = await freePort();
  const config = join(work, 'go.toml');
  // containers/kubernetes-mcp-server v0.0.67 keys ([token_exchange]; the old sts_* keys are refused).
  writeFileSync(
    config,
    [
      `port = "${port}"`,
      'log_level = 0',
      'require_oauth = true',
      `authorization_url = ${JSON.stringify(issuer.issuer)}`,
      `server_url = "http://127.0.0.1:${port}"`,
      'oauth_audience = "mcp-server"',
      'oauth_scopes = ["mcp-server"]',
      `certificate_authority = ${JSON.stringify(issuer.caFile)}`,
      'cluster_provider_strategy = "kubeconfig"',
      `kubeconfig = ${JSON.stringify(kubeconfig)}`,
      'toolsets = ["core"]',
      'read_only = true',
      'list_output = "table"',
      '',
      '[token_exchange]',
      'strategy = "rfc8693"',
      'audience = "openshift"',
      'scopes = ["mcp:openshift"]',
      '',
      '[token_exchange.client_auth]',
      'method = "client_secret_basic"',
      'client_id = "mcp-server"',
      `client_secret = "${SECRET}"`,
      '',
    ].join('\n'),
  );
  const program = startProgram('kubernetes-mcp-server', ensureGoServerBinary(), ['--config', config], log);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(program, async () => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200, 60_000);
  } catch (e) {
    await stopProgram(program);
    throw e;
  }
  return { name: `Go kubernetes-mcp-server ${GO_SERVER_VERSION}`, mcpUrl: `${base}/mcp`, program, relay, stop: () => stopProgram(program) };
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
  exchanges: number;
  connections: number;
  rss: number;
}

async function runRound(s: Server, issuer: BenchIssuer, tokens: string[], sc: CompareScenario, maxCalls: number, maxMs: number): Promise<Round> {
  // Sessions reused: one client per caller slot, user = slot mod users, connected before timing.
  const clients = sc.sessionPerCall ? [] : await Promise.all(Array.from({ length: sc.concurrency }, (_, i) => connect(s.mcpUrl, tokens[i % tokens.length]!)));
  const cpu0 = processCpuMs(s.program.pid);
  const ex0 = issuer.exchanges();
  const conn0 = s.relay.connections();
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  let firstError: string | undefined;
  const deadline = Date.now() + maxMs;
  const t0 = process.hrtime.bigint();
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
  const wallMs = msSince(t0);
  const cpuMs = processCpuMs(s.program.pid) - cpu0;
  const round: Round = {
    latencies,
    wallMs,
    errors,
    firstError,
    cpuMs,
    exchanges: issuer.exchanges() - ex0,
    connections: s.relay.connections() - conn0,
    rss: processRss(s.program.pid).rss,
  };
  await Promise.all(clients.map((c) => c.close()));
  return round;
}

/** An exchanged (`openshift`) token for `subject`, from the bench issuer's token endpoint. */
function exchangedToken(issuer: BenchIssuer, subject: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: subject,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    audience: 'openshift',
  }).toString();
  return new Promise((resolvePromise, reject) => {
    const r = https.request(
      `${issuer.issuer}/protocol/openid-connect/token`,
      {
        method: 'POST',
        ca: issuer.caPem,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`mcp-server:${SECRET}`).toString('base64')}` },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () =>
          res.statusCode === 200
            ? resolvePromise((JSON.parse(text) as { access_token: string }).access_token)
            : reject(new Error(`exchange: ${res.statusCode} ${text}`)),
        );
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** The apiserver alone: the same list as Table with an exchanged token, keep-alive, `concurrency` callers. */
async function apiserverFloor(kube: BenchKube, tokens: string[], concurrency: number, maxCalls: number, maxMs: number, apiserverPid: number) {
  const server = new URL(kube.state.server);
  const ca = (parseYaml(readFileSync(kube.state.bareKubeconfig, 'utf8')) as { clusters: Array<{ cluster: Record<string, string> }> }).clusters[0]!.cluster[
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

/** Runs the comparison and prints its table (or one line saying why it was skipped). */
export async function runCompareBench(): Promise<void> {
  if (!kubeBinariesPresent()) {
    process.stdout.write(`\ncomparison benchmark skipped: no kube binaries in ${kubeBinDir()} (bash test/e2e/kube/build.sh)\n`);
    return;
  }
  ensureGoServerBinary(); // installs it once, before any timing starts
  const long = process.env.BENCH_CMP_LONG === '1';
  const scenarios = parseCompareScenarios(process.env.BENCH_CMP_SCENARIOS ?? (long ? 'c1,c16,c50,c8session' : 'c1,c16,c8session'));
  const rounds = envInt('BENCH_CMP_ROUNDS', long ? 5 : 2);
  const maxCalls = envInt('BENCH_CMP_CALLS', long ? 2000 : 300);
  const maxMs = envInt('BENCH_CMP_SECONDS', long ? 30 : 6) * 1000;
  const users = envInt('BENCH_CMP_USERS', long ? 50 : 16);
  const pods = envInt('BENCH_MCP_PODS', 20);
  const work = mkdtempSync(join(tmpdir(), 'kms-bench-cmp-'));
  let issuer: BenchIssuer | undefined;
  let kube: BenchKube | undefined;
  const servers: Server[] = [];
  const relays: Relay[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const s of servers) await s.stop();
      for (const r of relays) await r.close();
      await kube?.stop();
      await issuer?.close();
      rmSync(work, { recursive: true, force: true });
    })());
  // The servers, etcd and kube-apiserver run detached: stop them on Ctrl-C too.
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping both MCP servers, kube-apiserver and etcd\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    issuer = await startBenchIssuer({ clientId: 'mcp-server', clientSecret: SECRET });
    kube = await startBenchKube({ url: issuer.issuer, caPem: issuer.caPem }, 'openshift');
    await seedNamespace(kube.state, NAMESPACE, pods, GROUP);
    execFileSync('npm', ['run', '--silent', 'build:mcp-server'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    const api = new URL(kube.state.server);
    for (let i = 0; i < 2; i++) relays.push(await startRelay(api));
    const idle: Record<string, number> = {};
    servers.push(
      await startOurs(
        issuer,
        work,
        relayedKubeconfig(kube.state.bareKubeconfig, relays[0]!.port, join(work, 'ours.kubeconfig')),
        relays[0]!,
        join(kube.dir, 'compare-ours.log'),
      ),
    );
    servers.push(
      await startGo(
        issuer,
        work,
        relayedKubeconfig(kube.state.bareKubeconfig, relays[1]!.port, join(work, 'go.kubeconfig')),
        relays[1]!,
        join(kube.dir, 'compare-go.log'),
      ),
    );
    for (const s of servers) idle[s.name] = processRss(s.program.pid).rss;
    const tokens = await Promise.all(Array.from({ length: users }, (_, u) => issuer!.userToken(`cmp-u${u}`, [GROUP], 3600)));
    // Warm-up: the apiserver loads the issuer's JWKS asynchronously; then check the output is the table.
    for (const s of servers) {
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
    const apiserverPid = kube.state.programs.find((p) => p.name === 'kube-apiserver')!.pid;
    const rows: (string | number)[][] = [];
    const ratios: (string | number)[][] = [];
    for (const sc of scenarios) {
      const acc = new Map<string, Round[]>(servers.map((s) => [s.name, []]));
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) acc.get(s.name)!.push(await runRound(s, issuer, tokens, sc, maxCalls, maxMs));
      }
      const label = `c=${sc.concurrency}${sc.sessionPerCall ? ', new session per call' : ''}`;
      const stats = servers.map((s) => {
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
        rows.push([
          label,
          s.name,
          calls,
          errors,
          cps.toFixed(1),
          ms(lat.p50),
          ms(lat.p90),
          ms(lat.p99),
          (rs.reduce((a, x) => a + x.cpuMs, 0) / calls).toFixed(2),
          `${mib(Math.min(...rs.map((x) => x.rss)))}–${mib(Math.max(...rs.map((x) => x.rss)))}`,
          perK(rs.reduce((a, x) => a + x.exchanges, 0)),
          perK(rs.reduce((a, x) => a + x.connections, 0)),
        ]);
        return { cps, p99: lat.p99, cpu: rs.reduce((a, x) => a + x.cpuMs, 0) / calls };
      });
      ratios.push([label, (stats[0]!.cps / stats[1]!.cps).toFixed(2), (stats[0]!.p99 / stats[1]!.p99).toFixed(2), (stats[0]!.cpu / stats[1]!.cpu).toFixed(2)]);
      if (!sc.sessionPerCall) {
        const exchanged = await Promise.all(tokens.map((t) => exchangedToken(issuer!, t)));
        const f = await apiserverFloor(kube, exchanged, sc.concurrency, maxCalls, maxMs, apiserverPid);
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
        ]);
      }
    }
    const version = /kube-apiserver=(\S+)/.exec(kube.state.versions)?.[1] ?? '';
    printTable(
      `Ours vs Go kubernetes-mcp-server ${GO_SERVER_VERSION}: tools/call pods_list_in_namespace (${pods} Pods, table), require_oauth + RFC 8693 exchange (bench issuer), ` +
        `REAL kube-apiserver ${version}; ${users} users, ${rounds} alternating rounds of ≤ ${maxCalls} calls / ${maxMs / 1000} s; idle RSS: ` +
        servers.map((s) => `${s.name} ${mib(idle[s.name]!)} MiB`).join(', '),
      [
        'scenario',
        'server',
        'calls',
        'errors',
        'calls/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'server CPU ms/call',
        'RSS MiB',
        'exchanges /1000 calls',
        'TLS handshakes /1000 calls',
      ],
      rows,
    );
    printTable('Ratios within this run (ours ÷ Go)', ['scenario', 'calls/s', 'p99', 'CPU ms/call'], ratios);
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
