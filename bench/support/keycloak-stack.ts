/**
 * The real path for the comparison bench (issue 13): the REAL Keycloak of the e2e harness
 * (test/e2e/keycloak-harness.ts) with the stack's realm (the harness stack config of
 * test/e2e/kube/stack-config.ts with `users` bench users, synthesized and applied by the
 * project's own CLI, `realm apply --generate-missing`, exactly as test/e2e/revocation.e2e.test.ts
 * does), and the REAL etcd + kube-apiserver (test/e2e/kube-harness.ts) trusting that realm
 * through the `--authentication-config` the stack model derives (test/e2e/kube/setup.ts
 * `kubeOptionsFor`). Users get real access tokens by the password grant at `mcp-client`; the
 * servers exchange them at Keycloak (RFC 8693, the realm's STS client).
 *
 * Everything that talks to Keycloak goes through a counting HTTPS proxy in this process (it
 * serves Keycloak's own certificate and forwards over keep-alive to Keycloak), so the issuer URL
 * everyone sees is the proxy's and the bench can count the token exchanges each server sends
 * (Keycloak has no per-client counter). The proxy adds its own small cost to each exchange,
 * the same for both servers.
 *
 * Run folders: Keycloak `<cache>/keycloak-run/<time>-<pid>` (the harness's), kube
 * `<cache>/bench/kube-run`, the stack fixture `<cache>/bench/stack`.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { generateTlsMaterial, startKeycloak, stopKeycloak, type KeycloakInstance } from '../../test/e2e/keycloak-harness.js';
import { adminKubeConfig, cacheDir, startKube, stopKube, type KubeState } from '../../test/e2e/kube-harness.js';
import { manifestFiles, readManifests, serverSideApply } from '../../test/e2e/kube/apply.js';
import { kubeOptionsFor } from '../../test/e2e/kube/setup.js';
import { makeStackFixture, readSecret, realmApply, realmClient, type StackFixture } from '../../test/e2e/kube/stack-fixture.js';
import type { HarnessUser } from '../../test/e2e/kube/stack-config.js';
import { exchangeToken, passwordToken } from '../../test/e2e/kube/tokens.js';
import { seedNamespace } from './kube.js';

/** Counts of what passed through the Keycloak proxy so far. */
export interface KeycloakCounts {
  /** POSTs to the token endpoint with `grant_type` = token exchange. */
  readonly exchanges: number;
  /** Other token-endpoint POSTs (password grants of the bench's users). */
  readonly otherGrants: number;
  /** TLS connections clients opened to the proxy. */
  readonly connections: number;
}

/** The started real path; `stop()` stops what it started (Keycloak, kube, the proxy). */
export interface BenchStack {
  readonly fixture: StackFixture;
  /** Keycloak as everyone sees it: `baseUrl` is the counting proxy. */
  readonly keycloak: KeycloakInstance;
  readonly kube: KubeState;
  /** The harness admin's client. */
  readonly adminKc: KubeConfig;
  /** The realm's issuer URL (through the proxy). */
  readonly issuer: string;
  /** The STS client's secret, written to `stsSecretFile` (mode 0600). */
  readonly stsSecret: string;
  readonly stsSecretFile: string;
  /** The bench users, in order (`bench-u00`, …). */
  readonly usernames: readonly string[];
  /** Process id of Keycloak's JVM (for its CPU time). */
  readonly keycloakPid: number;
  counts(): KeycloakCounts;
  /** A fresh access token of user `i` (password grant at `mcp-client`, scope `openid mcp-server`). */
  userToken(i: number): Promise<string>;
  /** What the servers do with a user token: the exchange at the STS client (for the apiserver floor). */
  kubeToken(subjectToken: string): Promise<string>;
  stop(): Promise<void>;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** An HTTPS proxy in front of Keycloak that counts token exchanges. */
async function startCountingProxy(target: URL, tls: { certFile: string; keyFile: string; caFile: string }) {
  const upstream = new https.Agent({ keepAlive: true, ca: readFileSync(tls.caFile), maxSockets: 64 });
  let exchanges = 0;
  let otherGrants = 0;
  let connections = 0;
  const server = https.createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url?.endsWith('/protocol/openid-connect/token')) {
        if (new URLSearchParams(body.toString('utf8')).get('grant_type') === TOKEN_EXCHANGE) exchanges++;
        else otherGrants++;
      }
      const up = https.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent: upstream }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      });
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  server.on('secureConnection', () => connections++);
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: (): KeycloakCounts => ({ exchanges, otherGrants, connections }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      upstream.destroy();
    },
  };
}

/** The JVM below kc.sh (its child), else kc.sh itself. */
function jvmPid(kcShPid: number): number {
  try {
    const children = readFileSync(`/proc/${kcShPid}/task/${kcShPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children[0] ?? kcShPid;
  } catch {
    return kcShPid;
  }
}

/** A bench user of the realm: Keycloak 26's user profile needs e-mail and names before it issues tokens. */
function benchUser(i: number): HarnessUser {
  const username = `bench-u${String(i).padStart(2, '0')}`;
  return {
    username,
    email: `${username}@example.com`,
    emailVerified: true,
    firstName: 'Bench',
    lastName: `User${i}`,
    groups: ['openshift_developers'],
    password: { name: `bench-user-${i}-password`, key: 'password' },
  };
}

/**
 * Starts Keycloak (+ proxy), synthesizes the stack with `users` bench users, starts kube trusting
 * the realm, applies the realm with the project's CLI and seeds namespace `namespace` with `pods`
 * Pods and a RoleBinding giving every bench user the built-in `view` role there.
 * Prints one `[bench] …` line per step with its time.
 * @throws Error naming the failed step (Keycloak and kube logs are in their run folders)
 */
export async function startBenchStack(o: { users: number; namespace: string; pods: number }): Promise<BenchStack> {
  const root = join(cacheDir(), 'bench');
  const workDir = join(root, 'stack');
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const step = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const v = await f();
    process.stdout.write(`[bench] ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return v;
  };
  const tls = generateTlsMaterial(join(workDir, 'keycloak-tls'));
  let kc: KeycloakInstance | undefined;
  let proxy: Awaited<ReturnType<typeof startCountingProxy>> | undefined;
  let kube: KubeState | undefined;
  const stop = async () => {
    if (kube) await stopKube(kube.runDir);
    await proxy?.close();
    if (kc) await stopKeycloak(kc);
  };
  try {
    kc = await step('Keycloak start', () => startKeycloak({ tls }));
    proxy = await startCountingProxy(new URL(kc.baseUrl), tls);
    const keycloak: KeycloakInstance = { ...kc, baseUrl: proxy.url };
    const users = Array.from({ length: o.users }, (_, i) => benchUser(i));
    const fixture = await step('stack synth', () => makeStackFixture(keycloak, workDir, (c) => ({ ...c, realm: { ...c.realm, realm: 'kms-bench', users } })));
    const k = await step('kube start', () => startKube({ ...kubeOptionsFor(fixture.model), runDir: join(root, 'kube-run') }));
    kube = k;
    const adminKc = adminKubeConfig(k);
    // realm apply writes the realm's Secrets into the stack's namespaces: create those first.
    const namespaces = (await Promise.all((await manifestFiles(fixture.distDir)).map(readManifests))).flat().filter((m) => m.kind === 'Namespace');
    const failedNs = (await serverSideApply(adminKc, namespaces, 'kube-mcp-stack-bench')).filter((r) => r.error);
    if (failedNs.length) throw new Error(`stack namespaces: ${failedNs.map((r) => `${r.ref}: ${r.error}`).join('; ')}`);
    // The apply is a reconcile (idempotent): on a loaded machine a run can outlast the CLI's admin
    // token (Keycloak's master realm: 60 s) and end in `invalid_grant`; the next run continues.
    for (let attempt = 1; ; attempt++) {
      const run = await step(`realm apply (${o.users} users), attempt ${attempt}`, () => realmApply(fixture, keycloak, k.adminKubeconfig));
      if (run.code === 0) break;
      const why = (run.stderr || run.stdout).slice(-2000);
      if (attempt === 3) throw new Error(`realm apply exited ${run.code}: ${why}`);
      process.stdout.write(`[bench] realm apply exited ${run.code} (${why.trim().split('\n').at(-1)}); again\n`);
    }
    const ms = fixture.model.config.mcpServer;
    const sts = fixture.model.realm.clients.find((c) => c.clientId === ms.stsClientId)!;
    const stsSecret = await readSecret(adminKc, fixture.model.keycloak.namespace, sts.secret!.name, sts.secret!.key);
    const stsSecretFile = join(workDir, 'sts-client-secret');
    await writeFile(stsSecretFile, `${stsSecret}\n`, { mode: 0o600 });
    await seedNamespace(
      adminKc,
      o.namespace,
      o.pods,
      users.map((u) => ({ kind: 'User', name: u.username })),
    );
    const passwords = await Promise.all(users.map((u) => readSecret(adminKc, fixture.model.keycloak.namespace, u.password!.name, u.password!.key)));
    const mcpClient = await realmClient(fixture, adminKc, keycloak.caFile, 'mcp-client');
    const stsClient = await realmClient(fixture, adminKc, keycloak.caFile, ms.stsClientId);
    const p = proxy;
    const started = kc;
    return {
      fixture,
      keycloak,
      kube: k,
      adminKc,
      issuer: fixture.model.oidc.issuer,
      stsSecret,
      stsSecretFile,
      usernames: users.map((u) => u.username),
      keycloakPid: jvmPid(started.pid),
      counts: () => p.counts(),
      userToken: (i) => passwordToken(mcpClient, users[i]!.username, passwords[i]!, 'openid mcp-server'),
      kubeToken: (subject) => exchangeToken(stsClient, subject, ms.stsAudience, ms.stsScopes.join(' ')),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
