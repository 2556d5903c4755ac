/**
 * `kube-mcp-stack secrets list|ensure` against the real kube-apiserver of the e2e harness:
 * a missing namespace is a clear error naming the dist/ file that creates it, and
 * `--create-namespaces` then creates the namespaces and every generatable key, giving keys
 * that must match (a client secret and its copies) one value. The config is the suite's
 * harness config with namespaces of its own, so the stack suite's objects are never touched.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { parseStackConfig } from '../../charts/config.js';
import { deriveModel } from '../../charts/model.js';
import { requiredSecrets } from '../../charts/required-secrets.js';
import { keycloakFromState } from './e2e-state.js';
import { adminKubeConfig, cacheDir, repoRoot } from './kube-harness.js';
import { kubeFromState } from './kube/setup.js';
import { harnessStackConfig } from './kube/stack-config.js';
import { readSecret, runNode } from './kube/stack-fixture.js';

jest.setTimeout(120_000);

const kube = kubeFromState();
const admin = adminKubeConfig(kube);
const suffix = `s${process.pid}`;
const workDir = join(cacheDir(), 'e2e-secrets', `run-${process.pid}`);
const configFile = join(workDir, 'stack.config.json');
const base = harnessStackConfig(keycloakFromState());
const config = {
  ...base,
  namespaces: {
    ...base.namespaces,
    keycloak: `kc-${suffix}`,
    llamaStack: `ls-${suffix}`,
    mcpServer: `mcp-${suffix}`,
    playground: `pg-${suffix}`,
  },
};
const required = requiredSecrets(deriveModel(parseStackConfig(config)));
const secretsCli = (...args: string[]) =>
  runNode([join(repoRoot, 'bin', 'kube-mcp-stack.js'), 'secrets', ...args, '--config', configFile], { KUBECONFIG: kube.adminKubeconfig });

beforeAll(async () => {
  await mkdir(workDir, { recursive: true });
  await writeFile(configFile, JSON.stringify(config, null, 2));
});

afterAll(async () => {
  const core = admin.makeApiClient(CoreV1Api);
  for (const ns of new Set(required.map((r) => r.namespace))) {
    if (ns.endsWith(suffix)) await core.deleteNamespace({ name: ns }).catch(() => undefined);
  }
  await rm(workDir, { recursive: true, force: true });
});

describe('kube-mcp-stack secrets against a real kube-apiserver', () => {
  test('ensure refuses missing namespaces, naming the dist/ file that creates each, and writes nothing', async () => {
    const run = await secretsCli('ensure');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`namespace mcp-${suffix} does not exist yet: apply dist/0006-cluster-auth.k8s.yaml first`);
    expect(run.stderr).toContain(`namespace kc-${suffix} does not exist yet: apply dist/0000-keycloak-operator.k8s.yaml first`);
    expect(run.stderr.trim()).toMatch(/or rerun with --create-namespaces$/);
    const list = await admin.makeApiClient(CoreV1Api).listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).not.toContain(`mcp-${suffix}`);
  });

  test('ensure --create-namespaces creates the namespaces and every generatable key; shared keys hold one value; no value printed', async () => {
    const run = await secretsCli('ensure', '--create-namespaces');
    expect(run.code).toBe(0);
    const generatable = required.filter((r) => r.format !== 'external-token');
    const byValueId = new Map<string, Set<string>>();
    for (const r of generatable) {
      const value = await readSecret(admin, r.namespace, r.name, r.key);
      expect(value.length).toBeGreaterThan(0);
      if (r.format !== 'username') expect(run.stdout + run.stderr).not.toContain(value);
      byValueId.set(r.valueId, (byValueId.get(r.valueId) ?? new Set()).add(value));
    }
    for (const values of byValueId.values()) expect(values.size).toBe(1);

    const list = await secretsCli('list');
    const missing = list.stdout.split('\n').filter((l) => l.startsWith('missing'));
    // Only the model API tokens are left for the user; `list` says so with exit 2.
    expect(missing).toHaveLength(required.length - generatable.length);
    expect(list.code).toBe(missing.length ? 2 : 0);
  });
});
