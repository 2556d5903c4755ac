/**
 * The browser journey through the real oauth2-proxy (issue 9): headless Debian Chromium
 * (playwright-core) opens the Playground's Route host, lands on the real Keycloak login page,
 * logs in as the harness developer and reaches the upstream with a token the real MCP server
 * accepts as that user. Every program is started from dist/ by the pod runner (test/e2e/pods):
 * oauth2-proxy with the synthesized sidecar's args, env and Secrets, the MCP server with its
 * ConfigMap. What a cluster would add is played by the test:
 *   - the edge Route: a TLS front on loopback (test/e2e/browser/edge-route.ts), reached through
 *     `--host-resolver-rules`; the router network (`trustedProxyCidrs`) maps to 127.0.0.1/32;
 *   - the Playground UI: a STAND-IN upstream (test/e2e/browser/stand-in-upstream.ts) until the
 *     Playground app is merged.
 * The realm is {@link E2E_BROWSER_REALM} with access tokens of {@link E2E_BROWSER_ACCESS_TOKEN_LIFESPAN} s,
 * so the journey outlives its first token. Screenshots of each step go to `<cache>/screenshots/`.
 *
 * Failure demonstrations (for the closing note, not CI): `KMS_E2E_OAUTH2_PROXY_VERSION=v7.8.1`
 * runs that release instead of the pinned one; `KMS_E2E_COOKIE_REFRESH=10m` appends
 * `--cookie-refresh=10m` to the synthesized args (a refresh above the lifespan, which the config
 * itself refuses); `KMS_E2E_OAUTH2_PROXY_DROP_ARGS=--trusted-proxy-ip` leaves out args by prefix
 * (v7.8.1 does not know `--trusted-proxy-ip` and exits at start; without it, its login callback fails).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { keycloakFromState } from './e2e-state.js';
import { generateTlsMaterial } from './keycloak-harness.js';
import { adminKubeConfig, cacheDir } from './kube-harness.js';
import { manifestFiles, readManifests, serverSideApply } from './kube/apply.js';
import { kubeFromState } from './kube/setup.js';
import { BROWSER_REALM_OPTIONS, E2E_BROWSER_ACCESS_TOKEN_LIFESPAN, E2E_BROWSER_REALM, harnessStackConfig } from './kube/stack-config.js';
import { makeStackFixture, readSecret, realmApply, USERS, type StackFixture } from './kube/stack-fixture.js';
import { startEdgeRoute, type EdgeRoute } from './browser/edge-route.js';
import { startStandInUpstream, type StandInUpstream, type UpstreamVisit } from './browser/stand-in-upstream.js';
import { LocalCluster, waitForRootCa, type RunningContainer } from './pods/local-pod.js';

const MINUTE = 60_000;
const FIELD_MANAGER = 'kube-mcp-stack-e2e-browser';
const keycloak = keycloakFromState();
const kube = kubeFromState();
const admin: KubeConfig = adminKubeConfig(kube);
const workDir = join(cacheDir(), 'e2e-browser', `run-${process.pid}`);
/** `browser-journey`, or `browser-journey-<deviation>` for a failure demonstration (see module doc). */
const variant = [process.env.KMS_E2E_OAUTH2_PROXY_VERSION, process.env.KMS_E2E_COOKIE_REFRESH && `refresh-${process.env.KMS_E2E_COOKIE_REFRESH}`]
  .filter(Boolean).join('-');
const shotsDir = join(cacheDir(), 'screenshots', variant ? `browser-journey-${variant}` : 'browser-journey');
/** Chromium from Debian (.ci/run installs it); `KMS_CHROMIUM` points elsewhere. */
const CHROMIUM = process.env.KMS_CHROMIUM ?? '/usr/bin/chromium';

let f: StackFixture;
let cluster: LocalCluster;
let proxy: RunningContainer;
let mcp: RunningContainer;
let upstream: StandInUpstream;
let front: EdgeRoute;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let routeHost: string;
let loginAt = 0;
let signOutAt = 0;
let copiedCookies: Parameters<BrowserContext['addCookies']>[0] = [];

const phase = (name: string, t0: number) => process.stdout.write(`[e2e] phase ${name}: ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
const shot = async (name: string) => {
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
};
const lastVisit = (): UpstreamVisit => {
  const v = upstream.visits.at(-1);
  if (!v) throw new Error('the upstream saw no request');
  return v;
};
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The journey's config: the harness stack with the browser realm, in namespaces of its own. */
function journeyConfig() {
  const c = harnessStackConfig(keycloak, Object.values(USERS), BROWSER_REALM_OPTIONS);
  const version = process.env.KMS_E2E_OAUTH2_PROXY_VERSION;
  return {
    ...c,
    namespaces: { ...c.namespaces, mcpServer: 'mcp-server-journey', playground: 'playground-journey' },
    ...(version ? { playground: { ...c.playground, oauth2ProxyImage: { repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: version } } } : {}),
  };
}

beforeAll(async () => {
  const t0 = Date.now();
  await rm(workDir, { recursive: true, force: true });
  await mkdir(shotsDir, { recursive: true });
  f = await makeStackFixture(keycloak, workDir, journeyConfig);
  expect(f.model.realm.realm).toBe(E2E_BROWSER_REALM);
  routeHost = f.model.playground.routeHost!;

  // dist/ into the apiserver, then the realm (and every missing Secret) by the project's CLI.
  // Only what the journey's pods read and the RBAC they act under: the objects shared with the
  // stack suite (realm import, Authentication, Llama Stack) differ in their issuer and stay that
  // suite's (its server-side apply would meet this suite's field manager as a conflict).
  const own = new Set([f.model.mcpServer.namespace, f.model.playground.namespace]);
  const objects = (await Promise.all((await manifestFiles(f.distDir)).map(readManifests))).flat()
    .filter((o) => o.kind === 'Namespace' || own.has(o.metadata?.namespace ?? '') || ['RoleBinding', 'ClusterRoleBinding'].includes(o.kind ?? ''));
  expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'ConfigMap', 'RoleBinding']));
  const applied = await serverSideApply(admin, objects, FIELD_MANAGER);
  expect(applied.filter((r) => r.error)).toEqual([]);
  const run = await realmApply(f, keycloak, kube.adminKubeconfig);
  if (run.code !== 0) throw new Error(`realm apply exited ${run.code}: ${run.stderr || run.stdout}`);
  phase('browser: synth, apply, realm', t0);

  // A pod the developer may list (RBAC from dist/: edit in the Llama Stack namespace).
  const ns = f.model.namespaces.llamaStack;
  const core = admin.makeApiClient(CoreV1Api);
  for (let i = 0; i < 100; i++) {
    if (await core.readNamespacedServiceAccount({ namespace: ns, name: 'default' }).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const pod = (name: string, namespace: string) =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'main', image: 'registry.example.com/e2e/idle:1' }] } }) as KubernetesObject;
  for (let i = 0; i < 100; i++) {
    if (await core.readNamespacedServiceAccount({ namespace: 'kube-system', name: 'default' }).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect((await serverSideApply(admin, [pod('e2e-journey-pod', ns), pod('e2e-system-journey-pod', 'kube-system')], FIELD_MANAGER)).filter((r) => r.error)).toEqual([]);
  await waitForRootCa(core, f.model.mcpServer.namespace);

  // The pods, from dist/.
  const t1 = Date.now();
  cluster = await LocalCluster.load({
    distDir: f.distDir, kubeConfig: admin, apiserver: kube.server, runDir: join(workDir, 'pods'),
    // The router connects from the cluster network; here the TLS front connects from loopback.
    addressMap: Object.fromEntries(f.model.playground.trustedProxyCidrs.map((c) => [c, '127.0.0.1/32'])),
  });
  const mcpPod = await cluster.plan(f.model.mcpServer.namespace, f.model.mcpServer.service.name);
  const pgPod = await cluster.plan(f.model.playground.namespace, f.model.config.playground.name);
  mcp = await cluster.start(mcpPod, 'mcp-server');
  upstream = await startStandInUpstream(pgPod.port('ui'), cluster.localUrl(f.model.mcpServer.mcpUrl), ns);
  const refresh = process.env.KMS_E2E_COOKIE_REFRESH;
  const drop = (process.env.KMS_E2E_OAUTH2_PROXY_DROP_ARGS ?? '').split(',').filter(Boolean);
  proxy = await cluster.start(pgPod, 'oauth2-proxy', { timeoutMs: 10 * MINUTE, extraArgs: refresh ? [`--cookie-refresh=${refresh}`] : [], dropArgs: drop });
  front = await startEdgeRoute(routeHost, pgPod.port('proxy'), generateTlsMaterial(join(workDir, 'edge-tls')));
  phase('browser: pods started', t1);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--host-resolver-rules=MAP ${routeHost} 127.0.0.1:${front.port}`],
  });
  // The test CA signed the front's and Keycloak's certificates; the browser does not know it.
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
}, 15 * MINUTE);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await front?.close();
  await upstream?.close();
  await cluster?.stopAll();
});

describe('the browser journey through the real oauth2-proxy and Keycloak', () => {
  test('the Route host redirects to the real Keycloak login page of the realm', async () => {
    const res = await page.goto(`https://${routeHost}/`);
    expect(res?.ok()).toBe(true);
    expect(page.url().startsWith(`${f.model.oidc.authorizationEndpoint}?`)).toBe(true);
    const params = new URL(page.url()).searchParams;
    expect(params.get('client_id')).toBe('mcp-client');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toBe(f.model.playground.redirectUri);
    await expect(page.locator('#username').isVisible()).resolves.toBe(true);
    await shot('01-keycloak-login');
  }, 2 * MINUTE);

  test('logging in as the developer reaches the upstream with the user\'s token', async () => {
    const u = USERS.developer;
    const password = await readSecret(admin, f.model.keycloak.namespace, u.password.name, u.password.key);
    await page.fill('#username', u.username);
    await page.fill('#password', password);
    loginAt = Date.now();
    await Promise.all([page.waitForURL(`https://${routeHost}/**`, { timeout: MINUTE }), page.click('#kc-login')]);
    const body = await page.textContent('body');
    await shot('02-logged-in-upstream');
    expect(body).toContain(`user: ${u.username}`);
    const v = lastVisit();
    expect(v.token).not.toBe('');
    expect(v.claims?.preferred_username).toBe(u.username);
    expect(v.claims?.azp).toBe('mcp-client');
    expect([v.claims?.aud].flat()).toContain('mcp-server');
    expect(v.claims!.exp! - v.claims!.iat!).toBe(E2E_BROWSER_ACCESS_TOKEN_LIFESPAN);
  }, 2 * MINUTE);

  test('the MCP server accepts the forwarded token as that user: own namespace listed, kube-system Forbidden', async () => {
    const v = lastVisit();
    expect(v.mcpError).toBeUndefined();
    expect(v.mcp?.isError).toBe(false);
    expect(v.mcp?.text).toContain('e2e-journey-pod');
    // The same token, straight to the server, in a namespace the developer may not read.
    const { mcpClient, resultText } = await import('./kube/mcp-client.js');
    const c = await mcpClient(cluster.localUrl(f.model.mcpServer.mcpUrl), v.token);
    try {
      const r = await c.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: 'kube-system' } });
      expect(r.isError).toBe(true);
      expect(resultText(r)).toMatch(/Forbidden/);
      expect(resultText(r)).toContain(USERS.developer.username);
    } finally {
      await c.close();
    }
  }, 2 * MINUTE);

  test(`a session older than the access-token lifespan (${E2E_BROWSER_ACCESS_TOKEN_LIFESPAN} s) still forwards an unexpired token`, async () => {
    const first = lastVisit();
    const wait = loginAt + (E2E_BROWSER_ACCESS_TOKEN_LIFESPAN + 5) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    expect(nowSeconds()).toBeGreaterThan(first.claims!.exp!); // the login's token has expired by now
    await page.reload();
    await shot('03-after-token-lifespan');
    const v = lastVisit();
    expect(v.at).toBeGreaterThan(first.at);
    expect(v.claims?.preferred_username).toBe(USERS.developer.username);
    expect(v.claims!.exp!).toBeGreaterThan(Math.floor(v.at / 1000)); // unexpired when it arrived
    expect(v.token).not.toBe(first.token);
    expect(v.mcpError).toBeUndefined();
    expect(v.mcp?.isError).toBe(false);
    expect(v.mcp?.text).toContain('e2e-journey-pod');
    expect(await proxy.log()).toMatch(/Refreshing session/);
  }, 3 * MINUTE);

  test('sign-out ends the Keycloak session: the next visit shows the login page again', async () => {
    const before = upstream.visits.length;
    copiedCookies = (await context.cookies()).filter((c) => c.name.startsWith('_oauth2_proxy'));
    expect(copiedCookies.length).toBeGreaterThan(1); // the session is split over several cookies (see docs/components.md)
    signOutAt = Date.now();
    await page.goto(`https://${routeHost}/oauth2/sign_out`);
    await page.goto(`https://${routeHost}/`);
    expect(page.url().startsWith(`${f.model.oidc.authorizationEndpoint}?`)).toBe(true);
    await expect(page.locator('#username').isVisible()).resolves.toBe(true);
    await shot('04-after-sign-out');
    expect(upstream.visits.length).toBe(before); // nothing reached the upstream without a login
    expect(await proxy.log()).not.toMatch(/error while calling backend logout/);
  }, 2 * MINUTE);

  test('a session cookie copied before sign-out stops working at its next refresh', async () => {
    // The copied session's tokens were refreshed at the last visit; its next refresh is due
    // after cookieRefresh, and Keycloak refuses it (the session ended at sign-out).
    const refreshSeconds = Number(/^(\d+)s$/.exec(f.model.playground.cookieRefresh)![1]);
    const wait = lastVisit().at + (refreshSeconds + 2) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const thief = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      await thief.addCookies(copiedCookies);
      const p = await thief.newPage();
      const before = upstream.visits.length;
      await p.goto(`https://${routeHost}/`);
      expect(p.url().startsWith(`${f.model.oidc.authorizationEndpoint}?`)).toBe(true);
      expect(upstream.visits.length).toBe(before);
      await p.screenshot({ path: join(shotsDir, '05-copied-cookie-after-sign-out.png'), fullPage: true });
    } finally {
      await thief.close();
    }
    expect(await proxy.log()).toMatch(/Fatal refresh error detected/);
    expect(Date.now() - signOutAt).toBeLessThan((refreshSeconds + E2E_BROWSER_ACCESS_TOKEN_LIFESPAN) * 1000);
  }, 2 * MINUTE);

  test('two users in two browser contexts at the same time each see only their own answer', async () => {
    const login = async (role: 'developer' | 'admin') => {
      const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 700 } });
      const p = await ctx.newPage();
      const u = USERS[role];
      await p.goto(`https://${routeHost}/?ns=kube-system`);
      await p.fill('#username', u.username);
      await p.fill('#password', await readSecret(admin, f.model.keycloak.namespace, u.password.name, u.password.key));
      await Promise.all([p.waitForURL(`https://${routeHost}/**`, { timeout: MINUTE }), p.click('#kc-login')]);
      return { ctx, p, u };
    };
    const [dev, adm] = await Promise.all([login('developer'), login('admin')]);
    try {
      // Both ask at once, several times, for kube-system.
      for (let i = 0; i < 3; i++) await Promise.all([dev.p.reload(), adm.p.reload()]);
      const devText = (await dev.p.textContent('#mcp')) ?? '';
      const admText = (await adm.p.textContent('#mcp')) ?? '';
      await dev.p.screenshot({ path: join(shotsDir, '06-developer-kube-system-forbidden.png'), fullPage: true });
      await adm.p.screenshot({ path: join(shotsDir, '07-admin-kube-system-listed.png'), fullPage: true });
      expect(await dev.p.textContent('#user')).toBe(`user: ${dev.u.username}`);
      expect(await adm.p.textContent('#user')).toBe(`user: ${adm.u.username}`);
      expect(devText).toMatch(/Forbidden/);
      expect(devText).toContain(dev.u.username);
      expect(admText).toContain('e2e-system-journey-pod');
      expect(admText).not.toMatch(/Forbidden/);
      // Every kube-system answer the upstream computed went to the user whose token asked.
      const answers = upstream.visits.filter((v) => v.namespace === 'kube-system' && v.token);
      expect(answers.length).toBeGreaterThanOrEqual(8);
      for (const v of answers) {
        if (v.claims?.preferred_username === dev.u.username) expect(v.mcp?.isError).toBe(true);
        else expect(v.claims?.preferred_username === adm.u.username && v.mcp?.isError === false && v.mcp.text.includes('e2e-system-journey-pod')).toBe(true);
      }
    } finally {
      await dev.ctx.close();
      await adm.ctx.close();
    }
  }, 3 * MINUTE);

  test('no program logged a token or a Secret value', async () => {
    expect(cluster.started.map((r) => r.program.name).sort()).toEqual([`${f.model.mcpServer.service.name}/mcp-server`, `${f.model.config.playground.name}/oauth2-proxy`].sort());
    for (const r of cluster.started) await r.assertNoSecretsInLog();
    expect(mcp.program.pid).toBeGreaterThan(0);
  }, MINUTE);
});
