/**
 * The real-stack end-to-end suite (issue 5), against what the e2e global setup started: the
 * real Keycloak and a real etcd + kube-apiserver whose `--authentication-config` comes from
 * the stack's external-OIDC model. In order:
 *   1. the synthesized dist/ server-side applies with zero errors, and a second apply is a no-op;
 *   2. the realm applied by `kube-mcp-stack realm apply --generate-missing` yields exchanged
 *      tokens the apiserver maps to the user and groups, and dist/'s RBAC limits them;
 *   3. the bundled MCP server, started from its synthesized pod (test/e2e/pods), acts as each user;
 *   4. the MCP Inspector's CLI (a client no one here wrote) lists and calls tools.
 * Each phase prints one `[e2e] phase …: Ns` line.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AuthenticationV1Api, CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { keycloakFromState } from './e2e-state.js';
import { adminKubeConfig, cacheDir, repoRoot, tokenKubeConfig } from './kube-harness.js';
import { manifestFiles, readManifests, serverSideApply, type ApplyResult } from './kube/apply.js';
import { counterTotal, mcpClient, rawInitialize, resultText } from './kube/mcp-client.js';
import type { RunningMcpServer } from './kube/mcp-process.js';
import { LocalCluster, waitForRootCa } from './pods/local-pod.js';
import { kubeFromState } from './kube/setup.js';
import { kubeToken, makeStackFixture, realmApply, runNode, userToken, type StackFixture } from './kube/stack-fixture.js';
import { claimsOf, passwordToken } from './kube/tokens.js';

const MINUTE = 60_000;
const keycloak = keycloakFromState();
const kube = kubeFromState();
const admin: KubeConfig = adminKubeConfig(kube);
const workDir = join(cacheDir(), 'e2e-stack', `run-${process.pid}`);
const FIELD_MANAGER = 'kube-mcp-stack-e2e';
let f: StackFixture;

function phase(name: string, t0: number): void {
  process.stdout.write(`[e2e] phase ${name}: ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
}

/** HTTP status of a client-node call: 200 on success, the API's code on an ApiException. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (typeof code !== 'number') throw e;
    return code;
  }
}

async function applyDist(): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  for (const file of await manifestFiles(f.distDir)) results.push(...(await serverSideApply(admin, await readManifests(file), FIELD_MANAGER)));
  return results;
}

beforeAll(async () => {
  const t0 = Date.now();
  await rm(workDir, { recursive: true, force: true });
  f = await makeStackFixture(keycloak, workDir);
  phase('synth', t0);
}, 5 * MINUTE);

describe('1. the synthesized stack applies to a real kube-apiserver', () => {
  let first: ApplyResult[] = [];

  test(
    'server-side apply of every dist/ object succeeds, custom resources included',
    async () => {
      const t0 = Date.now();
      first = await applyDist();
      phase('apply dist', t0);
      expect(first.filter((r) => r.error)).toEqual([]);
      const kinds = new Set(first.map((r) => r.ref.split(' ')[0].split('/').pop()));
      for (const kind of [
        'Namespace',
        'Subscription',
        'OperatorGroup',
        'Keycloak',
        'KeycloakRealmImport',
        'StatefulSet',
        'DSCInitialization',
        'DataScienceCluster',
        'LlamaStackDistribution',
        'Route',
        'Deployment',
        'ConfigMap',
        'RoleBinding',
        'ClusterRoleBinding',
        'FeatureGate',
        'Authentication',
      ])
        expect(kinds).toContain(kind);
    },
    5 * MINUTE,
  );

  test(
    'the apply path is strict: a field the CRD schema does not declare is refused',
    async () => {
      const subscription = (await Promise.all((await manifestFiles(f.distDir)).map(readManifests))).flat().find((o) => o.kind === 'Subscription');
      expect(subscription).toBeDefined();
      const bad = {
        ...subscription,
        metadata: { ...subscription!.metadata, name: 'e2e-strictness-probe' },
        spec: { ...(subscription as { spec: object }).spec, notAField: true },
      };
      const [result] = await serverSideApply(admin, [bad as KubernetesObject], FIELD_MANAGER);
      expect(result.error).toMatch(/notAField/);
    },
    MINUTE,
  );

  test(
    'a second apply of the same dist/ is a no-op: no resourceVersion changes',
    async () => {
      expect(first.length).toBeGreaterThan(0);
      const second = await applyDist();
      expect(second.filter((r) => r.error)).toEqual([]);
      const before = Object.fromEntries(first.map((r) => [r.ref, r.resourceVersion]));
      const changed = second.filter((r) => before[r.ref] !== r.resourceVersion).map((r) => r.ref);
      expect(changed).toEqual([]);
    },
    5 * MINUTE,
  );
});

describe('2. exchanged Keycloak tokens are the user at the Kubernetes API', () => {
  let devToken: string;
  let adminToken: string;
  let devUserToken: string;

  beforeAll(async () => {
    const t0 = Date.now();
    const run = await realmApply(f, keycloak, kube.adminKubeconfig);
    if (run.code !== 0) throw new Error(`realm apply exited ${run.code}: ${run.stderr || run.stdout}`);
    phase('realm apply', t0);
    devUserToken = await userToken(f, admin, keycloak.caFile, 'developer');
    devToken = await kubeToken(f, admin, keycloak.caFile, devUserToken);
    adminToken = await kubeToken(f, admin, keycloak.caFile, await userToken(f, admin, keycloak.caFile, 'admin'));
  }, 5 * MINUTE);

  const selfReview = (token: string) =>
    tokenKubeConfig(kube, token)
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });

  test(
    'SelfSubjectReview with the exchanged token names the user and the realm groups',
    async () => {
      // The apiserver's JWT authenticator fetched discovery before the realm existed; it retries on its own.
      const deadline = Date.now() + 2 * MINUTE;
      let review;
      for (;;) {
        try {
          review = await selfReview(devToken);
          break;
        } catch (e) {
          if ((e as { code?: number }).code !== 401 || Date.now() > deadline) throw e;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      expect(review.status?.userInfo?.username).toBe('e2e-dev');
      expect(review.status?.userInfo?.groups).toEqual(expect.arrayContaining(['openshift_developers', 'system:authenticated']));
      const admin = await selfReview(adminToken);
      expect(admin.status?.userInfo?.username).toBe('e2e-admin');
      expect(admin.status?.userInfo?.groups).toContain('openshift_admins');
    },
    3 * MINUTE,
  );

  test(
    'dist/ RBAC: the developer lists pods in the Llama Stack namespace and is forbidden in kube-system',
    async () => {
      const core = tokenKubeConfig(kube, devToken).makeApiClient(CoreV1Api);
      expect(await statusOf(core.listNamespacedPod({ namespace: f.model.namespaces.llamaStack }))).toBe(200);
      expect(await statusOf(core.listNamespacedPod({ namespace: 'kube-system' }))).toBe(403);
    },
    MINUTE,
  );

  test(
    'dist/ RBAC: the admin group lists pods everywhere',
    async () => {
      const core = tokenKubeConfig(kube, adminToken).makeApiClient(CoreV1Api);
      expect(await statusOf(core.listNamespacedPod({ namespace: 'kube-system' }))).toBe(200);
      expect(await statusOf(core.listPodForAllNamespaces())).toBe(200);
    },
    MINUTE,
  );

  test(
    'a token whose audience is not an apiserver audience is rejected with 401',
    async () => {
      const aud = [claimsOf(devUserToken).aud].flat();
      expect(aud).toContain('mcp-server');
      for (const a of f.model.clusterAuth.audiences) expect(aud).not.toContain(a);
      expect(await statusOf(selfReview(devUserToken))).toBe(401);
    },
    MINUTE,
  );

  test(
    'a valid token from another issuer (the master realm) is rejected with 401',
    async () => {
      const other = await passwordToken(
        { issuer: `${keycloak.baseUrl}/realms/master`, clientId: 'admin-cli', caFile: keycloak.caFile },
        keycloak.adminUsername,
        keycloak.adminPassword,
        'openid',
      );
      expect(claimsOf(other).iss).not.toBe(f.model.oidc.issuer);
      expect(await statusOf(selfReview(other))).toBe(401);
    },
    MINUTE,
  );
});

describe('3. the bundled MCP server acts as each user', () => {
  // Both servers are the synthesized pods run locally (test/e2e/pods): the config.toml of their
  // ConfigMap, the STS Secret, the issuer CA and kube-root-ca.crt, all read from the apiserver.
  let server: RunningMcpServer;
  let readOnlyServer: RunningMcpServer;
  let devUserToken: string;
  let adminUserToken: string;
  const clients: Client[] = [];
  const clusters: LocalCluster[] = [];
  const ns = () => f.model.namespaces.llamaStack;

  /** Runs the `mcp-server` container of the MCP server pod that `distDir` synthesizes. */
  async function startPod(distDir: string, namespace: string, name: string, runDir: string): Promise<RunningMcpServer> {
    const cluster = await LocalCluster.load({ distDir, kubeConfig: admin, apiserver: kube.server, runDir });
    clusters.push(cluster);
    const pod = await cluster.plan(namespace, name);
    const running = await cluster.start(pod, 'mcp-server');
    const baseUrl = `http://127.0.0.1:${pod.port('http')}`;
    return { baseUrl, mcpUrl: `${baseUrl}/mcp`, program: running.program, stop: running.stop };
  }

  async function connect(token: string): Promise<Client> {
    const c = await mcpClient(server.mcpUrl, token);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    const t0 = Date.now();
    const core = admin.makeApiClient(CoreV1Api);
    // Pods need the namespace's default ServiceAccount, which the harness's controller manager creates.
    for (const namespace of [ns(), 'kube-system']) {
      for (let i = 0; (await statusOf(core.readNamespacedServiceAccount({ namespace, name: 'default' }))) === 404 && i < 100; i++) {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const pod = (name: string, namespace: string) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace },
        spec: { containers: [{ name: 'main', image: 'registry.example.com/e2e/idle:1' }] },
      }) as KubernetesObject;
    const results = await serverSideApply(
      admin,
      [
        pod('e2e-pod-a', ns()),
        pod('e2e-pod-b', ns()),
        pod('e2e-system-pod', 'kube-system'),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-settings', namespace: ns() }, data: { greeting: 'hello' } } as KubernetesObject,
      ],
      FIELD_MANAGER,
    );
    expect(results.filter((r) => r.error)).toEqual([]);
    // The read-only server is the same stack with `mcpServer.readOnly: true` under another name:
    // its synthesized ConfigMap is applied beside the first one.
    const ro = await makeStackFixture(keycloak, join(workDir, 'read-only'), (c) => ({
      ...c,
      mcpServer: { ...c.mcpServer, name: 'ocp-mcp-server-ro', readOnly: true },
    }));
    const roConfig = (await Promise.all((await manifestFiles(ro.distDir)).map(readManifests)))
      .flat()
      .filter((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'ocp-mcp-server-ro-config');
    expect(roConfig).toHaveLength(1);
    expect((await serverSideApply(admin, roConfig, FIELD_MANAGER)).filter((r) => r.error)).toEqual([]);
    await waitForRootCa(core, f.model.mcpServer.namespace);
    await mkdir(workDir, { recursive: true });
    const ms = f.model.mcpServer.service;
    [server, readOnlyServer] = await Promise.all([
      startPod(f.distDir, ms.namespace, ms.name, join(workDir, 'pods')),
      startPod(ro.distDir, ms.namespace, 'ocp-mcp-server-ro', join(workDir, 'pods-read-only')),
    ]);
    devUserToken = await userToken(f, admin, keycloak.caFile, 'developer');
    adminUserToken = await userToken(f, admin, keycloak.caFile, 'admin');
    phase('mcp start', t0);
  }, 5 * MINUTE);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    for (const c of clusters) {
      await c.stopAll();
      for (const r of c.started) await r.assertNoSecretsInLog();
    }
  });

  test(
    'tools/list as the developer lists the core tools',
    async () => {
      const names = (await (await connect(devUserToken)).listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['pods_list_in_namespace', 'resources_list', 'pods_delete', 'resources_create_or_update']));
    },
    MINUTE,
  );

  test(
    'pods and ConfigMaps of the allowed namespace come back as objects',
    async () => {
      const c = await connect(devUserToken);
      const pods = await c.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: ns() } });
      expect(pods.isError).toBeFalsy();
      expect(resultText(pods)).toContain('e2e-pod-a');
      expect(resultText(pods)).toContain('e2e-pod-b');
      const cms = await c.callTool({ name: 'resources_list', arguments: { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns() } });
      expect(cms.isError).toBeFalsy();
      expect(resultText(cms)).toContain('e2e-settings');
    },
    MINUTE,
  );

  test(
    "a forbidden namespace gives isError with the API server's Forbidden reason",
    async () => {
      const r = await (await connect(devUserToken)).callTool({ name: 'pods_list_in_namespace', arguments: { namespace: 'kube-system' } });
      expect(r.isError).toBe(true);
      expect(resultText(r)).toMatch(/Forbidden/);
      expect(resultText(r)).toContain('e2e-dev');
    },
    MINUTE,
  );

  test(
    'no token: 401 with a resource_metadata challenge',
    async () => {
      const res = await rawInitialize(server.mcpUrl);
      expect(res.status).toBe(401);
      // server_url is the synthesized one (the Route's public origin), not the loopback address.
      expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${f.model.mcpServer.serverUrl}/.well-known/oauth-protected-resource`);
    },
    MINUTE,
  );

  test(
    'a token with the wrong audience (the exchanged Kubernetes token) gets 401 invalid_token',
    async () => {
      const wrongAud = await kubeToken(f, admin, keycloak.caFile, devUserToken);
      expect([claimsOf(wrongAud).aud].flat()).not.toContain('mcp-server');
      const res = await rawInitialize(server.mcpUrl, `Bearer ${wrongAud}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    },
    MINUTE,
  );

  test(
    'read_only hides every tool that is not read-only',
    async () => {
      const c = await mcpClient(readOnlyServer.mcpUrl, devUserToken);
      clients.push(c);
      const tools = (await c.listTools()).tools;
      expect(tools.map((t) => t.name)).toContain('pods_list_in_namespace');
      expect(tools.map((t) => t.name)).not.toContain('pods_delete');
      expect(tools.map((t) => t.name)).not.toContain('resources_create_or_update');
      expect(tools.filter((t) => t.annotations?.readOnlyHint !== true)).toEqual([]);
    },
    MINUTE,
  );

  test(
    'two users calling concurrently each see only what their own RBAC allows',
    async () => {
      const [dev, adm] = await Promise.all([connect(devUserToken), connect(adminUserToken)]);
      const call = (c: Client, namespace: string) => c.callTool({ name: 'pods_list_in_namespace', arguments: { namespace } });
      const [devSystem, admSystem, devOwn, admOwn] = await Promise.all([call(dev, 'kube-system'), call(adm, 'kube-system'), call(dev, ns()), call(adm, ns())]);
      expect(devSystem.isError).toBe(true);
      expect(resultText(devSystem)).toMatch(/Forbidden/);
      expect(admSystem.isError).toBeFalsy();
      expect(resultText(admSystem)).toContain('e2e-system-pod');
      expect(resultText(devOwn)).toContain('e2e-pod-a');
      expect(resultText(admOwn)).toContain('e2e-pod-a');
    },
    MINUTE,
  );

  test(
    'repeated calls by one user cause one token exchange at Keycloak',
    async () => {
      const fresh = await userToken(f, admin, keycloak.caFile, 'developer'); // a new subject token: not cached yet
      const before = await counterTotal(server.baseUrl, 'mcp_token_exchanges_total');
      const c = await connect(fresh);
      for (let i = 0; i < 3; i++) expect((await c.callTool({ name: 'pods_list_in_namespace', arguments: { namespace: ns() } })).isError).toBeFalsy();
      await Promise.all([1, 2, 3].map(() => c.callTool({ name: 'resources_list', arguments: { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns() } })));
      expect((await counterTotal(server.baseUrl, 'mcp_token_exchanges_total')) - before).toBe(1);
    },
    MINUTE,
  );

  describe('4. the MCP Inspector CLI against the server', () => {
    // inspector-cli 0.17.2 finds its own package.json relative to the working directory: run it from its build folder.
    const inspectorDir = join(repoRoot, 'node_modules', '@modelcontextprotocol', 'inspector-cli', 'build');
    const inspect = async (...args: string[]) => {
      const run = await runNode(
        ['index.js', server.mcpUrl, '--transport', 'http', '--header', `Authorization: Bearer ${devUserToken}`, ...args],
        {},
        MINUTE,
        inspectorDir,
      );
      if (run.code !== 0) throw new Error(`inspector-cli exited ${run.code}: ${run.stderr.trim() || run.stdout.trim()}`);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };

    test(
      'tools/list with a bearer header',
      async () => {
        const t0 = Date.now();
        const listed = (await inspect('--method', 'tools/list')) as { tools: { name: string }[] };
        expect(listed.tools.map((t) => t.name)).toContain('pods_list_in_namespace');
        phase('inspector tools/list', t0);
      },
      2 * MINUTE,
    );

    test(
      'tools/call pods_list_in_namespace with a bearer header',
      async () => {
        const result = await inspect('--method', 'tools/call', '--tool-name', 'pods_list_in_namespace', '--tool-arg', `namespace=${ns()}`);
        expect(result.isError).toBeFalsy();
        expect(resultText(result)).toContain('e2e-pod-a');
      },
      2 * MINUTE,
    );
  });
});
