/**
 * The kube-apiserver harness itself: what the global setup started is the real thing, configured
 * as the suite relies on, and a start that fails says why and leaves nothing running.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiextensionsV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, VersionApi } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { adminKubeConfig, startKube } from './kube-harness.js';
import { isRunning } from './kube/processes.js';
import { kubeFromState } from './kube/setup.js';
import { E2E_BROWSER_REALM, E2E_REALM } from './kube/stack-config.js';

const kube = kubeFromState();
const admin = adminKubeConfig(kube);

describe('the harness kube-apiserver', () => {
  test('is the pinned Kubernetes release, on loopback, and every recorded program runs', async () => {
    const version = await admin.makeApiClient(VersionApi).getCode();
    expect(kube.versions).toContain(`kube-apiserver=${version.gitVersion}`);
    expect(new URL(kube.server).hostname).toBe('127.0.0.1');
    expect(kube.programs.map((p) => p.name)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager']);
    for (const p of kube.programs) expect(isRunning(p)).toBe(true);
  }, 60_000);

  test('authorizes with RBAC: a kubeconfig without credentials may not list namespaces', async () => {
    const anonymous = new KubeConfig();
    anonymous.loadFromFile(kube.bareKubeconfig);
    await expect(anonymous.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 403 });
  }, 60_000);

  test('authenticates JWTs from the realm issuers (stack suite, browser journey) with the stack audiences and claim mappings', () => {
    const cfg = parse(readFileSync(kube.authenticationConfigFile!, 'utf8')) as {
      jwt: { issuer: { url: string; audiences: string[] }; claimMappings: { username: { claim: string; prefix: string }; groups: { claim: string } } }[];
    };
    expect(cfg.jwt.map((j) => j.issuer.url.replace(/^https:\/\/127\.0\.0\.1:\d+/, ''))).toEqual([`/realms/${E2E_REALM}`, `/realms/${E2E_BROWSER_REALM}`]);
    for (const jwt of cfg.jwt) {
      expect(jwt.issuer.audiences).toContain('openshift');
      expect(jwt.claimMappings.username).toEqual({ claim: 'preferred_username', prefix: '' });
      expect(jwt.claimMappings.groups.claim).toBe('groups');
    }
  });

  test('has the CRDs Established and the aggregated `edit` role filled by the controller manager', async () => {
    const ext = admin.makeApiClient(ApiextensionsV1Api);
    for (const name of kube.crds) {
      const crd = await ext.readCustomResourceDefinition({ name });
      expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    }
    expect(kube.crds.length).toBeGreaterThanOrEqual(12);
    const edit = await admin.makeApiClient(RbacAuthorizationV1Api).readClusterRole({ name: 'edit' });
    expect(edit.rules?.some((r) => r.resources?.includes('pods'))).toBe(true);
  }, 60_000);
});

describe('a failed start', () => {
  test('names the program, shows the tail of its log, and leaves no process running', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'kms-kube-fail-'));
    const bad = {
      apiVersion: 'apiserver.config.k8s.io/v1beta1',
      kind: 'AuthenticationConfiguration',
      jwt: [{ issuer: { url: 'http://plain-http.invalid', audiences: ['x'] }, claimMappings: { username: { claim: 'sub', prefix: '' } } }],
    };
    const error = await startKube({ runDir, authenticationConfiguration: bad }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^kube-apiserver exited before it was ready; last lines of .*kube-apiserver\.log/);
    expect(error?.message).toContain('URL scheme must be https');
    const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as { programs: { pid: number; executable: string }[] };
    expect(state.programs.length).toBeGreaterThan(0);
    for (const p of state.programs) expect(isRunning(p)).toBe(false);
  }, 120_000);
});
