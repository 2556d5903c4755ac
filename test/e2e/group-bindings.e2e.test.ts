/**
 * `clusterAuth.groupBindings` (issue 12 item 5) on a real kube-apiserver of its own that trusts a
 * realm of its own in the harness Keycloak (so the shared apiserver and realm stay untouched):
 * a custom binding (group `auditors` → ClusterRole `view` in namespace `team-a`) from the
 * synthesized dist/ lets a realm user of that group, with the token the MCP server would get
 * (RFC 8693 exchange at Keycloak), do what `view` allows in `team-a` — and nothing else there or
 * anywhere else.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { keycloakFromState } from './e2e-state.js';
import { adminKubeConfig, cacheDir, startKube, stopKube, tokenKubeConfig, waitForJwtAuthenticator, type KubeState } from './kube-harness.js';
import { manifestFiles, readManifests, serverSideApply } from './kube/apply.js';
import { kubeOptionsFor } from './kube/setup.js';
import { kubeToken, makeStackFixture, readSecret, realmApply, realmClient, type StackFixture } from './kube/stack-fixture.js';
import { passwordToken } from './kube/tokens.js';
import { uniqueRealm } from './realm-fixture.js';

const MINUTE = 60_000;
const keycloak = keycloakFromState();
const workDir = join(cacheDir(), 'e2e-group-bindings', `run-${process.pid}`);
const runDir = join(cacheDir(), 'kube', `run-group-bindings-${process.pid}`);
const TEAM_NS = 'team-a';
const AUDITOR = {
  username: 'e2e-auditor',
  email: 'e2e-auditor@example.com',
  emailVerified: true,
  firstName: 'Audit',
  lastName: 'E2e',
  groups: ['auditors'],
  password: { name: 'e2e-user-auditor-password', key: 'password' },
};
let f: StackFixture;
let kube: KubeState;
let admin: KubeConfig;
let auditorToken: string;

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

beforeAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  const realm = uniqueRealm('kms-e2e-rbac');
  f = await makeStackFixture(keycloak, workDir, (c) => ({
    ...c,
    realm: { ...c.realm, realm, groups: [...(c.realm.groups ?? []), { name: 'auditors' }], users: [...(c.realm.users ?? []), AUDITOR] },
    clusterAuth: {
      ...c.clusterAuth,
      groupBindings: [
        { group: 'openshift_admins', clusterRole: 'cluster-admin' },
        { group: 'openshift_developers', clusterRole: 'edit', namespaces: ['llama-stack'] },
        { group: 'auditors', clusterRole: 'view', namespaces: [TEAM_NS] },
      ],
    },
  }));
  kube = await startKube({ ...kubeOptionsFor(f.model), runDir });
  admin = adminKubeConfig(kube);
  // The team's namespace exists before dist/ (nothing in dist/ creates it; doctor names it when missing).
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: TEAM_NS } } });
  for (const file of await manifestFiles(f.distDir)) {
    const failed = (await serverSideApply(admin, await readManifests(file), 'kms-group-bindings-e2e')).filter((r) => r.error);
    if (failed.length) throw new Error(`${file}: ${failed.map((r) => `${r.ref}: ${r.error}`).join('; ')}`);
  }
  const run = await realmApply(f, keycloak, kube.adminKubeconfig);
  if (run.code !== 0) throw new Error(`realm apply exited ${run.code}: ${run.stderr || run.stdout}`);
  const password = await readSecret(admin, f.model.keycloak.namespace, AUDITOR.password.name, AUDITOR.password.key);
  const userToken = await passwordToken(await realmClient(f, admin, keycloak.caFile, 'mcp-client'), AUDITOR.username, password, 'openid mcp-server');
  auditorToken = await kubeToken(f, admin, keycloak.caFile, userToken);
  // The apiserver's JWT authenticator fetched discovery before the realm existed; it retries on its own.
  await waitForJwtAuthenticator(kube, auditorToken, 2 * MINUTE);
}, 6 * MINUTE);

afterAll(async () => {
  await stopKube(runDir);
}, MINUTE);

describe('a custom clusterAuth.groupBindings entry on the real apiserver', () => {
  test(
    'dist/ holds RoleBinding team-a/auditors-view for group auditors, and the exchanged token is the auditor in that group',
    async () => {
      const rb = await admin.makeApiClient(RbacAuthorizationV1Api).readNamespacedRoleBinding({ namespace: TEAM_NS, name: 'auditors-view' });
      expect(rb.roleRef.name).toBe('view');
      expect(rb.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'auditors' }]);
      const review = await tokenKubeConfig(kube, auditorToken)
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
      expect(review.status?.userInfo?.username).toBe(AUDITOR.username);
      expect(review.status?.userInfo?.groups).toContain('auditors');
    },
    MINUTE,
  );

  test(
    'the auditor may read in team-a (view) but not write there, and is forbidden in the other namespaces',
    async () => {
      const kc = tokenKubeConfig(kube, auditorToken);
      const core = kc.makeApiClient(CoreV1Api);
      expect(await statusOf(core.listNamespacedPod({ namespace: TEAM_NS }))).toBe(200);
      expect(await statusOf(core.listNamespacedConfigMap({ namespace: TEAM_NS }))).toBe(200);
      expect(await statusOf(core.createNamespacedConfigMap({ namespace: TEAM_NS, body: { metadata: { name: 'auditor-write' } } }))).toBe(403);
      expect(await statusOf(core.listNamespacedSecret({ namespace: TEAM_NS }))).toBe(403); // view never reads Secrets
      expect(await statusOf(core.listNamespacedPod({ namespace: f.model.namespaces.llamaStack }))).toBe(403);
      expect(await statusOf(core.listNamespacedPod({ namespace: 'kube-system' }))).toBe(403);

      const access = (namespace: string, verb: string, resource: string, group = '') =>
        kc
          .makeApiClient(AuthorizationV1Api)
          .createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { namespace, verb, resource, group } } } })
          .then((r) => r.status?.allowed);
      expect(await access(TEAM_NS, 'list', 'deployments', 'apps')).toBe(true);
      expect(await access(TEAM_NS, 'delete', 'pods')).toBe(false);
      expect(await access('default', 'list', 'pods')).toBe(false);
    },
    MINUTE,
  );
});
