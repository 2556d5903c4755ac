/**
 * Who may use the Playground, through the real oauth2-proxy: the Playground pod from dist/ (its
 * `oauth2-proxy` sidecar with the synthesized args, `--allowed-group` per `playground.allowedGroups`,
 * and the `playground` container) run by the pod runner (test/e2e/pods), behind the edge-Route
 * front (test/e2e/browser/edge-route.ts), with headless Chromium logging in at the real Keycloak.
 * A realm user in no allowed group logs in and gets oauth2-proxy's 403, and the Playground never
 * sees a request of theirs; a developer gets through to the Playground page. The realm and the
 * stack's namespaces are this suite's own; no Llama Stack runs (the page loads without it).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { Browser, Page } from 'playwright-core';
import { keycloakFromState } from './e2e-state.js';
import { generateTlsMaterial } from './keycloak-harness.js';
import { adminKubeConfig, cacheDir } from './kube-harness.js';
import { manifestFiles, readManifests, serverSideApply } from './kube/apply.js';
import { kubeFromState } from './kube/setup.js';
import type { HarnessUser } from './kube/stack-config.js';
import { makeStackFixture, readSecret, realmApply, USERS, type StackFixture } from './kube/stack-fixture.js';
import { startEdgeRoute, type EdgeRoute } from './browser/edge-route.js';
import { launchChromium, submitKeycloakLogin } from './browser/chromium.js';
import { LocalCluster, waitForRootCa, type RunningContainer } from './pods/local-pod.js';

const MINUTE = 60_000;
const FIELD_MANAGER = 'kube-mcp-stack-e2e-access';
const keycloak = keycloakFromState();
const kube = kubeFromState();
const admin = adminKubeConfig(kube);
const workDir = join(cacheDir(), 'e2e-access', `run-${process.pid}`);
/** A realm user in no group at all (so in none of `playground.allowedGroups`). */
const OUTSIDER: HarnessUser = {
  username: 'e2e-outsider',
  email: 'e2e-outsider@example.com',
  emailVerified: true,
  firstName: 'Outsider',
  lastName: 'E2e',
  groups: [],
  password: { name: 'e2e-user-outsider-password', key: 'password' },
};

let f: StackFixture;
let cluster: LocalCluster;
let proxy: RunningContainer;
let playground: RunningContainer;
let front: EdgeRoute;
let browser: Browser;
let routeHost: string;

/** Requests the Playground served (its one JSON log line per request; probes are not logged). */
const playgroundRequests = async () => (await playground.log()).split('\n').filter((l) => l.includes('"msg":"request"')).length;

/** Logs `u` in from the Route host in a fresh browser context; the oauth2-proxy callback's status and the page. */
async function logIn(u: HarnessUser): Promise<{ callbackStatus: number; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(`https://${routeHost}/`);
  expect(page.url().startsWith(`${f.model.oidc.authorizationEndpoint}?`)).toBe(true);
  const password = await readSecret(admin, f.model.keycloak.namespace, u.password!.name, u.password!.key);
  const callback = page.waitForResponse((r) => r.url().startsWith(`https://${routeHost}/oauth2/callback`), { timeout: MINUTE });
  await submitKeycloakLogin(page, u.username, password);
  const res = await callback;
  await page.waitForLoadState('load');
  return { callbackStatus: res.status(), page };
}

beforeAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  const realm = `kms-e2e-access-${process.pid}`;
  f = await makeStackFixture(keycloak, workDir, (c) => ({
    ...c,
    namespaces: { ...c.namespaces, mcpServer: 'mcp-server-access', playground: 'playground-access', llamaStack: 'llama-stack-access' },
    realm: { ...c.realm, realm, users: [...(c.realm.users ?? []), OUTSIDER] },
  }));
  routeHost = f.model.playground.routeHost!;
  // The Namespaces and the Playground's own objects (its issuer-CA ConfigMap among them); the
  // realm and every missing Secret by the project's CLI.
  const objects = (await Promise.all((await manifestFiles(f.distDir)).map(readManifests)))
    .flat()
    .filter((o) => o.kind === 'Namespace' || o.metadata?.namespace === f.model.playground.namespace);
  expect((await serverSideApply(admin, objects, FIELD_MANAGER)).filter((r) => r.error)).toEqual([]);
  const run = await realmApply(f, keycloak, kube.adminKubeconfig);
  if (run.code !== 0) throw new Error(`realm apply exited ${run.code}: ${run.stderr || run.stdout}`);
  await waitForRootCa(admin.makeApiClient(CoreV1Api), f.model.playground.namespace);

  cluster = await LocalCluster.load({
    distDir: f.distDir,
    kubeConfig: admin,
    apiserver: kube.server,
    runDir: join(workDir, 'pods'),
    // The router connects from the cluster network; here the TLS front connects from loopback.
    addressMap: Object.fromEntries(f.model.playground.trustedProxyCidrs.map((c) => [c, '127.0.0.1/32'])),
  });
  const pod = await cluster.plan(f.model.playground.namespace, f.model.config.playground.name);
  playground = await cluster.start(pod, 'playground');
  proxy = await cluster.start(pod, 'oauth2-proxy', { timeoutMs: 10 * MINUTE });
  front = await startEdgeRoute(routeHost, pod.port('proxy'), generateTlsMaterial(join(workDir, 'edge-tls')));
  browser = await launchChromium(routeHost, front.port);
}, 15 * MINUTE);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await front?.close();
  await cluster?.stopAll();
});

describe('playground.allowedGroups, enforced by the real oauth2-proxy', () => {
  test('the sidecar runs with one --allowed-group per allowed group (the admin and developer groups by default)', () => {
    const groups = f.model.config.clusterAuth;
    expect(proxy.argv).toEqual(
      expect.arrayContaining(['--oidc-groups-claim=groups', `--allowed-group=${groups.adminGroup}`, `--allowed-group=${groups.developerGroup}`]),
    );
  });

  test(
    'a realm user in no allowed group logs in and gets 403 from oauth2-proxy; the Playground sees nothing',
    async () => {
      const before = await playgroundRequests();
      const { callbackStatus, page } = await logIn(OUTSIDER);
      expect(callbackStatus).toBe(403);
      expect(page.url().startsWith(`https://${routeHost}/oauth2/callback`)).toBe(true);
      expect(await page.content()).toMatch(/403|Forbidden/);
      // No proxy session was made: the Route host sends them through Keycloak again (its SSO
      // session answers at once) and oauth2-proxy refuses again.
      const again = await page.goto(`https://${routeHost}/`);
      expect(again?.status()).toBe(403);
      expect(page.url().startsWith(`https://${routeHost}/oauth2/callback`)).toBe(true);
      expect(await playgroundRequests()).toBe(before);
      await page.context().close();
    },
    3 * MINUTE,
  );

  test(
    'a developer logs in and gets through to the Playground page as that user',
    async () => {
      const before = await playgroundRequests();
      const { callbackStatus, page } = await logIn(USERS.developer);
      expect(callbackStatus).toBe(302);
      expect(page.url()).toBe(`https://${routeHost}/`);
      await page.waitForFunction(`document.querySelector('#pg-user')?.textContent?.includes(${JSON.stringify(USERS.developer.username)})`, undefined, {
        timeout: MINUTE,
      });
      expect(await playgroundRequests()).toBeGreaterThan(before);
      await page.context().close();
    },
    3 * MINUTE,
  );
});
