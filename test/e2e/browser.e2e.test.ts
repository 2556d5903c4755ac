/**
 * The browser journey through the real oauth2-proxy (issue 9): headless Debian Chromium
 * (playwright-core) opens the Playground's Route host, lands on the real Keycloak login page,
 * logs in as a harness user and reaches the real Playground page (playground/), picks the model,
 * asks, and sees the answer streamed as computed for that user: the Playground calls the real
 * Llama Stack (default release) with the user's token, whose agent calls the real MCP server
 * with it, which asks the harness kube-apiserver as that user. Every program is started from
 * dist/: the pod runner (test/e2e/pods) starts oauth2-proxy (the sidecar's args, env and
 * Secrets), the Playground (the `playground` container's command and args) and the MCP server
 * (its ConfigMap); test/e2e/support/llama-stack-operator.ts plays the operator for the
 * LlamaStackDistribution. The one stand-in is the model (test/e2e/support/fake-llm.ts). What a
 * cluster would add is played by the test:
 *   - the edge Route: a TLS front on loopback (test/e2e/browser/edge-route.ts), reached through
 *     `--host-resolver-rules`; the router network (`trustedProxyCidrs`) maps to 127.0.0.1/32;
 *   - the operator-made Llama Stack Service: its URL maps to the Llama Stack process.
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
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { keycloakFromState } from './e2e-state.js';
import { generateTlsMaterial } from './keycloak-harness.js';
import { adminKubeConfig, cacheDir } from './kube-harness.js';
import { manifestFiles, readManifests, serverSideApply } from './kube/apply.js';
import { kubeFromState } from './kube/setup.js';
import { BROWSER_REALM_OPTIONS, E2E_BROWSER_ACCESS_TOKEN_LIFESPAN, E2E_BROWSER_REALM, harnessStackConfig } from './kube/stack-config.js';
import { makeStackFixture, readSecret, realmApply, USERS, type StackFixture } from './kube/stack-fixture.js';
import { startEdgeRoute, type EdgeRoute } from './browser/edge-route.js';
import { idlePod, modelTokenSecrets, waitForDefaultServiceAccounts } from './kube/journey-objects.js';
import { launchChromium } from './browser/chromium.js';
import { JWT_PATTERN, LocalCluster, waitForRootCa, type RunningContainer } from './pods/local-pod.js';
import { startFakeLlm, type FakeLlm } from './support/fake-llm.js';
import { startLlamaStackFromDist, type RunningLlamaStack } from './support/llama-stack-operator.js';
import { DEFAULT_LLAMA_STACK_VERSION } from '../../charts/versions/llama-stack.js';

const MINUTE = 60_000;
const FIELD_MANAGER = 'kube-mcp-stack-e2e-browser';
const keycloak = keycloakFromState();
const kube = kubeFromState();
const admin: KubeConfig = adminKubeConfig(kube);
const workDir = join(cacheDir(), 'e2e-browser', `run-${process.pid}`);
/** `browser-journey`, or `browser-journey-<deviation>` for a failure demonstration (see module doc). */
const variant = [process.env.KMS_E2E_OAUTH2_PROXY_VERSION, process.env.KMS_E2E_COOKIE_REFRESH && `refresh-${process.env.KMS_E2E_COOKIE_REFRESH}`]
  .filter(Boolean)
  .join('-');
const shotsDir = join(cacheDir(), 'screenshots', variant ? `browser-journey-${variant}` : 'browser-journey');

let f: StackFixture;
let cluster: LocalCluster;
let proxy: RunningContainer;
let mcp: RunningContainer;
let playground: RunningContainer;
let ls: RunningLlamaStack;
const llms: FakeLlm[] = [];
/** The model the user picks: `<provider_id>/<model_id>` of the first inference provider. */
let model: string;
let front: EdgeRoute;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let routeHost: string;
let loginAt = 0;
let signOutAt = 0;
/** When the first page's session was last used (its tokens last refreshed). */
let lastUseAt = 0;
let copiedCookies: Parameters<BrowserContext['addCookies']>[0] = [];

const phase = (name: string, t0: number) => process.stdout.write(`[e2e] phase ${name}: ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
const shot = async (name: string) => {
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
};
/** Requests the Playground served (its one JSON log line per request). */
const playgroundRequests = async () => (await playground.log()).split('\n').filter((l) => l.includes('"msg":"request"')).length;

/**
 * Picks the model, asks `question` in the page (Enter sends) and waits for the streamed answer.
 * @returns the answer text and the status of each tool call shown
 */
async function askInPage(
  p: Page,
  question: string,
  name: string,
): Promise<{ answer: string; tools: { name: string | null; status: string | null; badge: string | null }[] }> {
  await p.locator('body[data-ready="true"]').waitFor({ timeout: MINUTE });
  await p.selectOption('#pg-model', model);
  await p.fill('#pg-question', question);
  const before = Number(await p.getAttribute('#pg-conversation', 'data-turns'));
  await p.press('#pg-question', 'Enter');
  const turn = p.locator(`#pg-turn-${before + 2}`);
  await p.locator(`#pg-turn-${before + 2}[data-state]:not([data-state="streaming"])`).waitFor({ timeout: 2 * MINUTE });
  await p.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
  if (p === page) lastUseAt = Date.now();
  const state = await turn.getAttribute('data-state');
  if (state !== 'done')
    throw new Error(
      `turn ${before + 2} ended ${state}: ${await turn
        .locator('[data-part="error"]')
        .textContent({ timeout: 2000 })
        .catch(() => '')}`,
    );
  const tools = await turn.locator('[data-part="tool-call"]').evaluateAll((els) =>
    els.map((e) => ({
      name: e.getAttribute('data-tool-name'),
      status: e.getAttribute('data-status'),
      badge: e.querySelector('[data-part="tool-status"]')?.textContent ?? null,
    })),
  );
  return { answer: (await p.textContent(`#pg-answer-${before + 2}`)) ?? '', tools };
}

/** The journey's config: the harness stack with the browser realm, in namespaces of its own. */
function journeyConfig() {
  const c = harnessStackConfig(keycloak, Object.values(USERS), BROWSER_REALM_OPTIONS);
  const version = process.env.KMS_E2E_OAUTH2_PROXY_VERSION;
  return {
    ...c,
    namespaces: { ...c.namespaces, mcpServer: 'mcp-server-journey', playground: 'playground-journey', llamaStack: 'llama-stack-journey' },
    ...(version ? { playground: { ...c.playground, oauth2ProxyImage: { repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: version } } } : {}),
  };
}

beforeAll(async () => {
  const t0 = Date.now();
  await rm(workDir, { recursive: true, force: true });
  await rm(shotsDir, { recursive: true, force: true });
  await mkdir(shotsDir, { recursive: true });
  f = await makeStackFixture(keycloak, workDir, journeyConfig);
  expect(f.model.realm.realm).toBe(E2E_BROWSER_REALM);
  routeHost = f.model.playground.routeHost!;

  // dist/ into the apiserver, then the realm (and every missing Secret) by the project's CLI.
  // Only what the journey's pods read and the RBAC they act under: the objects shared with the
  // stack suite (realm import, Authentication) differ in their issuer and stay that suite's (its
  // server-side apply would meet this suite's field manager as a conflict). The Llama Stack is
  // started from dist/ directly (the suite plays its operator).
  const own = new Set([f.model.mcpServer.namespace, f.model.playground.namespace]);
  const objects = (await Promise.all((await manifestFiles(f.distDir)).map(readManifests)))
    .flat()
    .filter((o) => o.kind === 'Namespace' || own.has(o.metadata?.namespace ?? '') || ['RoleBinding', 'ClusterRoleBinding'].includes(o.kind ?? ''));
  expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'ConfigMap', 'RoleBinding']));
  const applied = await serverSideApply(admin, objects, FIELD_MANAGER);
  expect(applied.filter((r) => r.error)).toEqual([]);
  const run = await realmApply(f, keycloak, kube.adminKubeconfig);
  if (run.code !== 0) throw new Error(`realm apply exited ${run.code}: ${run.stderr || run.stdout}`);
  phase('browser: synth, apply, realm', t0);

  // A pod the developer may list (RBAC from dist/: edit in the Llama Stack namespace), one in
  // kube-system, and the model endpoints' API token Secrets the LlamaStackDistribution references.
  const ns = f.model.namespaces.llamaStack;
  const core = admin.makeApiClient(CoreV1Api);
  await waitForDefaultServiceAccounts(admin, [ns, 'kube-system']);
  expect(
    (
      await serverSideApply(
        admin,
        [idlePod('e2e-journey-pod', ns), idlePod('e2e-system-journey-pod', 'kube-system'), ...modelTokenSecrets(f.model, ns)],
        FIELD_MANAGER,
      )
    ).filter((r) => r.error),
  ).toEqual([]);
  await waitForRootCa(core, f.model.mcpServer.namespace);

  // The pods, from dist/.
  const t1 = Date.now();
  cluster = await LocalCluster.load({
    distDir: f.distDir,
    kubeConfig: admin,
    apiserver: kube.server,
    runDir: join(workDir, 'pods'),
    // The router connects from the cluster network; here the TLS front connects from loopback.
    addressMap: Object.fromEntries(f.model.playground.trustedProxyCidrs.map((c) => [c, '127.0.0.1/32'])),
  });
  const mcpPod = await cluster.plan(f.model.mcpServer.namespace, f.model.mcpServer.service.name);
  const pgPod = await cluster.plan(f.model.playground.namespace, f.model.config.playground.name);
  mcp = await cluster.start(mcpPod, 'mcp-server');
  for (const p of f.model.config.llamaStack.inference) llms.push(await startFakeLlm({ models: [p.modelId] }));
  const t2 = Date.now();
  ls = await startLlamaStackFromDist({
    distDir: f.distDir,
    version: f.model.config.llamaStack.version,
    cacheDir: cacheDir(),
    workDir: join(workDir, 'llama-stack'),
    urlMap: {
      [f.model.mcpServer.service.url]: cluster.localUrl(f.model.mcpServer.service.url),
      ...Object.fromEntries(f.model.config.llamaStack.inference.map((p, i) => [p.url, llms[i]!.url])),
    },
    secretValue: (name, key) => readSecret(admin, ns, name, key),
  });
  phase(`browser: llama-stack ${ls.version} started`, t2);
  const first = f.model.config.llamaStack.inference[0]!;
  model = `${first.providerId}/${first.modelId}`;
  // The operator-made Service of the LlamaStackDistribution → the Llama Stack process.
  playground = await cluster.start(pgPod, 'playground', { addressMap: { [f.model.llamaStack.service.url]: ls.baseUrl } });
  const refresh = process.env.KMS_E2E_COOKIE_REFRESH;
  const drop = (process.env.KMS_E2E_OAUTH2_PROXY_DROP_ARGS ?? '').split(',').filter(Boolean);
  proxy = await cluster.start(pgPod, 'oauth2-proxy', { timeoutMs: 10 * MINUTE, extraArgs: refresh ? [`--cookie-refresh=${refresh}`] : [], dropArgs: drop });
  front = await startEdgeRoute(routeHost, pgPod.port('proxy'), generateTlsMaterial(join(workDir, 'edge-tls')));
  phase('browser: pods started', t1);

  browser = await launchChromium(routeHost, front.port);
  // The test CA signed the front's and Keycloak's certificates; the browser does not know it.
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
}, 15 * MINUTE);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await front?.close();
  await cluster?.stopAll();
  await ls?.stop();
  await Promise.all(llms.map((l) => l.stop()));
});

describe(`the browser journey through the real oauth2-proxy, Keycloak, Playground and Llama Stack ${DEFAULT_LLAMA_STACK_VERSION}`, () => {
  test('the Playground runs the synthesized command and args, on the default Llama Stack release', () => {
    expect(f.model.config.llamaStack.version).toBe(DEFAULT_LLAMA_STACK_VERSION);
    expect(playground.argv).toEqual(
      expect.arrayContaining([
        `--llama-stack-url=${ls.baseUrl}`,
        `--mcp-server-url=${cluster.localUrl(f.model.mcpServer.mcpUrl)}`,
        `--api-base-path=${ls.facts.openaiBasePath}`,
        `--mcp-auth=${ls.facts.mcpToolToken}`,
        `--port=${playground.pod.port('ui')}`,
      ]),
    );
  });

  test(
    'the Route host redirects to the real Keycloak login page of the realm',
    async () => {
      const res = await page.goto(`https://${routeHost}/`);
      expect(res?.ok()).toBe(true);
      expect(page.url().startsWith(`${f.model.oidc.authorizationEndpoint}?`)).toBe(true);
      const params = new URL(page.url()).searchParams;
      expect(params.get('client_id')).toBe('mcp-client');
      expect(params.get('code_challenge_method')).toBe('S256');
      expect(params.get('redirect_uri')).toBe(f.model.playground.redirectUri);
      await expect(page.locator('#username').isVisible()).resolves.toBe(true);
      await shot('01-keycloak-login');
    },
    2 * MINUTE,
  );

  test(
    'logging in as the developer opens the Playground page as that user, with the model list',
    async () => {
      const u = USERS.developer;
      const password = await readSecret(admin, f.model.keycloak.namespace, u.password.name, u.password.key);
      await page.fill('#username', u.username);
      await page.fill('#password', password);
      loginAt = Date.now();
      await Promise.all([page.waitForURL(`https://${routeHost}/**`, { timeout: MINUTE }), page.click('#kc-login')]);
      await page.locator('body[data-ready="true"]').waitFor({ timeout: MINUTE });
      await shot('02-playground-signed-in');
      expect(await page.textContent('#pg-user')).toContain(u.username);
      expect(await page.getAttribute('#pg-model', 'data-state')).toBe('ready');
      expect(await page.locator('#pg-model option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value))).toContain(model);
    },
    2 * MINUTE,
  );

  test(
    'the developer asks for the pods of the Llama Stack namespace → the answer lists them',
    async () => {
      const ns = f.model.namespaces.llamaStack;
      const { answer, tools } = await askInPage(page, `Which pods run in namespace ${ns}?`, '03-developer-own-namespace');
      expect(tools).toEqual([{ name: 'pods_list_in_namespace', status: 'ok', badge: 'ok' }]);
      expect(answer).toContain('e2e-journey-pod');
    },
    3 * MINUTE,
  );

  test(
    'the developer asks for kube-system → Forbidden shown',
    async () => {
      const { answer, tools } = await askInPage(page, 'List the pods in namespace kube-system', '04-developer-kube-system-forbidden');
      expect(tools).toEqual([{ name: 'pods_list_in_namespace', status: 'forbidden', badge: 'Forbidden' }]);
      expect(answer).toMatch(new RegExp(`is forbidden: User "${USERS.developer.username}"`));
      expect(answer).not.toContain('e2e-system-journey-pod');
    },
    3 * MINUTE,
  );

  test(
    `a session older than the access-token lifespan (${E2E_BROWSER_ACCESS_TOKEN_LIFESPAN} s) still answers as the user`,
    async () => {
      const wait = loginAt + (E2E_BROWSER_ACCESS_TOKEN_LIFESPAN + 5) * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // The login's token has expired by now: an answer listing the pods needs a refreshed one.
      await page.reload();
      const { answer, tools } = await askInPage(page, `Which pods run in namespace ${f.model.namespaces.llamaStack}?`, '05-after-token-lifespan');
      expect(tools).toEqual([{ name: 'pods_list_in_namespace', status: 'ok', badge: 'ok' }]);
      expect(answer).toContain('e2e-journey-pod');
      expect(await proxy.log()).toMatch(/Refreshing session/);
    },
    3 * MINUTE,
  );

  test(
    'sign-out ends the Keycloak session: the next visit shows the login page again',
    async () => {
      copiedCookies = (await context.cookies()).filter((c) => c.name.startsWith('_oauth2_proxy'));
      expect(copiedCookies.length).toBeGreaterThan(1); // the session is split over several cookies (see docs/components.md)
      expect(await page.getAttribute('#pg-sign-out', 'href')).toBe('/oauth2/sign_out');
      signOutAt = Date.now();
      await Promise.all([page.waitForURL(/./, { timeout: MINUTE }), page.click('#pg-sign-out')]);
      const before = await playgroundRequests();
      await page.goto(`https://${routeHost}/`);
      expect(page.url().startsWith(`${f.model.oidc.authorizationEndpoint}?`)).toBe(true);
      await expect(page.locator('#username').isVisible()).resolves.toBe(true);
      await shot('08-after-sign-out');
      expect(await playgroundRequests()).toBe(before); // nothing reached the Playground without a login
      expect(await proxy.log()).not.toMatch(/error while calling backend logout/);
    },
    2 * MINUTE,
  );

  test(
    'a session cookie copied before sign-out stops working at its next refresh',
    async () => {
      // The copied session's tokens were refreshed at its last use; its next refresh is due
      // after cookieRefresh, and Keycloak refuses it (the session ended at sign-out).
      const refreshSeconds = Number(/^(\d+)s$/.exec(f.model.playground.cookieRefresh)![1]);
      const wait = lastUseAt + (refreshSeconds + 2) * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const thief = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        await thief.addCookies(copiedCookies);
        const p = await thief.newPage();
        const before = await playgroundRequests();
        await p.goto(`https://${routeHost}/`);
        expect(p.url().startsWith(`${f.model.oidc.authorizationEndpoint}?`)).toBe(true);
        expect(await playgroundRequests()).toBe(before);
        await p.screenshot({ path: join(shotsDir, '09-copied-cookie-after-sign-out.png'), fullPage: true });
      } finally {
        await thief.close();
      }
      expect(await proxy.log()).toMatch(/Fatal refresh error detected/);
      expect(Date.now() - signOutAt).toBeLessThan((refreshSeconds + E2E_BROWSER_ACCESS_TOKEN_LIFESPAN) * 1000);
    },
    2 * MINUTE,
  );

  test(
    'two users in two browser contexts at the same time each see only their own answers',
    async () => {
      const login = async (role: 'developer' | 'admin') => {
        const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 800 } });
        const p = await ctx.newPage();
        const u = USERS[role];
        await p.goto(`https://${routeHost}/`);
        await p.fill('#username', u.username);
        await p.fill('#password', await readSecret(admin, f.model.keycloak.namespace, u.password.name, u.password.key));
        await Promise.all([p.waitForURL(`https://${routeHost}/**`, { timeout: MINUTE }), p.click('#kc-login')]);
        return { ctx, p, u };
      };
      const [dev, adm] = await Promise.all([login('developer'), login('admin')]);
      try {
        expect(await dev.p.textContent('#pg-user')).toContain(dev.u.username);
        expect(await adm.p.textContent('#pg-user')).toContain(adm.u.username);
        // Both ask at once, several times, for kube-system.
        for (let i = 1; i <= 3; i++) {
          const [d, a] = await Promise.all([
            askInPage(dev.p, 'List the pods in namespace kube-system', `06-two-users-developer-${i}`),
            askInPage(adm.p, 'List the pods in namespace kube-system', `07-two-users-admin-${i}`),
          ]);
          expect(d.tools).toEqual([{ name: 'pods_list_in_namespace', status: 'forbidden', badge: 'Forbidden' }]);
          expect(d.answer).toMatch(new RegExp(`is forbidden: User "${dev.u.username}"`));
          expect(d.answer).not.toContain('e2e-system-journey-pod');
          expect(a.tools).toEqual([{ name: 'pods_list_in_namespace', status: 'ok', badge: 'ok' }]);
          expect(a.answer).toContain('e2e-system-journey-pod');
          expect(a.answer).not.toMatch(/forbidden/i);
        }
        // Each page holds only its own user's turns.
        expect(await dev.p.textContent('#pg-conversation')).not.toContain('e2e-system-journey-pod');
        expect(await adm.p.textContent('#pg-conversation')).not.toContain(dev.u.username);
      } finally {
        await dev.ctx.close();
        await adm.ctx.close();
      }
    },
    6 * MINUTE,
  );

  test(
    "no program logged a token or a Secret value (Playground, oauth2-proxy, MCP server, Llama Stack, the model's records)",
    async () => {
      expect(cluster.started.map((r) => r.program.name).sort()).toEqual(
        [
          `${f.model.mcpServer.service.name}/mcp-server`,
          `${f.model.config.playground.name}/oauth2-proxy`,
          `${f.model.config.playground.name}/playground`,
        ].sort(),
      );
      for (const r of cluster.started) await r.assertNoSecretsInLog();
      expect(await playground.log()).toMatch(/"msg":"chat turn"/);
      const lsLog = await readFile(ls.logFile, 'utf8');
      expect(lsLog).toMatch(/responses/);
      expect(JWT_PATTERN.exec(lsLog)).toBeNull();
      const records = JSON.stringify(llms.map((l) => l.requests));
      expect(records).toContain('e2e-journey-pod'); // the model saw the tool results…
      expect(JWT_PATTERN.exec(records)).toBeNull(); // …and never a token
      expect(mcp.program.pid).toBeGreaterThan(0);
    },
    MINUTE,
  );
});
