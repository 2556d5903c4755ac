/**
 * `kube-mcp-stack apply` (cli/apply.ts) run as the CLI against a real etcd + kube-apiserver of its
 * own (cluster-scoped objects such as the `Authentication` are not shared with the stack suite)
 * and the harness Keycloak. No operator runs here: the test plays the operators' status (OLM's
 * CSV phase, Keycloak Ready, realm import Done, Deployment availability; test/e2e/kube/operator-status.ts)
 * and the ingress operator's CA ConfigMap in openshift-config-managed. CRD establishment is real
 * (the CRDs are installed), and so are the apply logic, the waits, the dry-run diff, the CA fill
 * and the issuer checks, made over TLS against the harness Keycloak.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import { APPLY_PHASES } from '../../charts/apply-phases.js';
import type { StackConfig } from '../../charts/config.js';
import { requiredSecrets } from '../../charts/required-secrets.js';
import { keycloakFromState } from './e2e-state.js';
import { adminKubeConfig, cacheDir, repoRoot, startKube, stopKube, type KubeState } from './kube-harness.js';
import { installCsvCrd, OperatorStatusPlayer } from './kube/operator-status.js';
import { kubeOptionsFor } from './kube/setup.js';
import { makeStackFixture, realmApply, runNode, type CliRun, type StackFixture } from './kube/stack-fixture.js';

const MINUTE = 60_000;
const keycloak = keycloakFromState();
const workDir = join(cacheDir(), 'e2e-apply', `run-${process.pid}`);
const REALM = 'kms-e2e-apply';
const bin = join(repoRoot, 'bin', 'kube-mcp-stack.js');
let kube: KubeState;
let admin: KubeConfig;
let f: StackFixture;
let player: OperatorStatusPlayer;

/** The harness config with a realm of this suite and no `issuerCaPem` (a default cluster: apply fills the CA). */
function noIssuerCa(c: StackConfig, more: (c: StackConfig) => StackConfig = (x) => x): StackConfig {
  const { issuerCaPem: _pem, ...clusterAuth } = c.clusterAuth ?? {};
  return more({ ...c, clusterAuth, realm: { ...c.realm, realm: REALM } });
}

/** Runs `kube-mcp-stack apply` against this suite's apiserver; its progress lines go to the log as `[e2e] apply …`. */
async function apply(args: string[] = [], dist = f.distDir): Promise<CliRun> {
  const r = await runNode([bin, 'apply', '--dist', dist, '--kubeconfig', kube.adminKubeconfig, '--wait-timeout', '90', ...args], {}, 5 * MINUTE);
  const progress = r.stdout.split('\n').filter((l) => l.startsWith('['));
  process.stdout.write(`[e2e] apply ${args.join(' ')} (exit ${r.code}):\n${progress.map((l) => `  ${l}`).join('\n')}\n`);
  return r;
}

/** The progress lines (`[i/n] phase: …`) of a run, by phase name. */
function phaseLines(r: CliRun): Map<string, string> {
  return new Map([...r.stdout.matchAll(/^\[\d+\/\d+\] ([a-z-]+): (.*)$/gm)].map((m) => [m[1], m[2]]));
}

/** Plays the ingress operator: the default ingress CA ConfigMap holds `pem`. */
async function setIngressCa(pem: string): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(admin);
  await api.patch(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'default-ingress-cert', namespace: 'openshift-config-managed' }, data: { 'ca-bundle.crt': pem } },
    undefined,
    undefined,
    'e2e-ingress-operator',
    true,
    PatchStrategy.ServerSideApply,
  );
}

const keycloakCa = () => readFileSync(keycloak.caFile, 'utf8');
/** A real CA that did not sign Keycloak's certificate: the apiserver's own. */
const wrongCa = () => readFileSync(kube.caFile, 'utf8');
const issuerCaOf = async (ns: string) =>
  (await admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: f.model.issuerCa.configMapName, namespace: ns })).data?.['ca-bundle.crt'];

beforeAll(async () => {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  f = await makeStackFixture(keycloak, join(workDir, 'stack'), (c) => noIssuerCa(c));
  kube = await startKube({ ...kubeOptionsFor(f.model), authenticationConfiguration: undefined, runDir: join(workDir, 'kube') });
  admin = adminKubeConfig(kube);
  await installCsvCrd(admin, workDir);
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'openshift-config-managed' } } });
  player = new OperatorStatusPlayer(admin, f.model.keycloak.apiVersion);
  player.start();
}, 5 * MINUTE);

afterAll(async () => {
  await player?.stop();
  if (kube) await stopKube(kube.runDir);
});

describe('kube-mcp-stack apply, with the test playing the operators’ status (OLM CSV phase, Keycloak and realm-import conditions, Deployment status, ingress CA ConfigMap)', () => {
  test(
    'from empty: the operators phase waits for the played CSV, then apply stops before Keycloak naming the missing Secrets and `secrets ensure`',
    async () => {
      const r = await apply();
      const lines = phaseLines(r);
      expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 1 });
      expect(lines.get('operators')).toMatch(/unchanged; CSV Succeeded: redhat-keycloak\/rhbk-operator\.v0\.0\.0-played/);
      expect(lines.has('operator-resources')).toBe(true);
      expect(lines.has('keycloak')).toBe(false);
      expect(r.stderr).toContain('kube-mcp-stack apply: phase keycloak: ');
      const db = f.model.keycloak.database.password;
      expect(r.stderr).toContain(`${f.model.namespaces.keycloak}/${db.name} [${db.key}]`);
      expect(r.stderr).toContain('kube-mcp-stack secrets ensure --create-namespaces');
      expect(player.firstSeen).toEqual(['Subscription']);
    },
    5 * MINUTE,
  );

  test(
    'after `secrets ensure` and the realm (the Keycloak operator’s import, played by `realm apply`), apply converges in phase order, fills the CA from the ingress CA, and refuses the switch while that CA does not validate the issuer',
    async () => {
      const env = { KUBECONFIG: kube.adminKubeconfig };
      const ensured = await runNode([bin, 'secrets', 'ensure', '--config', f.configFile, '--create-namespaces'], env);
      expect({ code: ensured.code, stderr: ensured.stderr }).toEqual({ code: 0, stderr: '' });
      // The user's part: the model API tokens (issued elsewhere, never generated).
      const core = admin.makeApiClient(CoreV1Api);
      const tokens = requiredSecrets(f.model).filter((s) => s.format === 'external-token');
      expect(tokens.length).toBeGreaterThan(0);
      for (const ns of new Set(tokens.map((t) => t.namespace)))
        await core.createNamespace({ body: { metadata: { name: ns } } }).catch((e: { code?: number }) => expect(e.code).toBe(409));
      for (const key of new Set(tokens.map((t) => `${t.namespace}/${t.name}`))) {
        const [namespace, name] = key.split('/');
        const keys = tokens.filter((t) => t.namespace === namespace && t.name === name).map((t) => [t.key, 'e2e-model-token']);
        await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: Object.fromEntries(keys) } });
      }
      const realm = await realmApply(f, keycloak, kube.adminKubeconfig);
      expect({ code: realm.code, stderr: realm.stderr.slice(-2000) }).toMatchObject({ code: 0 });
      await setIngressCa(wrongCa());

      const r = await apply(['--switch-cluster-auth']);
      expect(r.code).toBe(1);
      const order = [...r.stdout.matchAll(/^\[\d+\/\d+\] ([a-z-]+):/gm)].map((m) => m[1]);
      expect(order).toEqual(APPLY_PHASES.map((p) => p.name).slice(0, -1));
      const lines = phaseLines(r);
      expect(lines.get('keycloak')).toMatch(/Keycloak Ready: redhat-keycloak\/keycloak/);
      expect(lines.get('realm')).toMatch(/realm import Done/);
      expect(lines.get('workloads')).toMatch(
        /issuer CA from openshift-config-managed\/default-ingress-cert into 4 ConfigMaps \(it does not validate the issuer/,
      );
      expect(lines.get('workloads')).toContain(`Deployments available: ${f.model.namespaces.mcpServer}/${f.model.config.mcpServer.name}`);
      expect(r.stderr).toMatch(/warning: the certificate of 127\.0\.0\.1:\d+ does not validate with openshift-config-managed\/default-ingress-cert/);
      expect(r.stderr).toMatch(
        /phase authentication-switch: refusing the Authentication switch: the certificate of 127\.0\.0\.1:\d+ does not validate with ConfigMap openshift-config\/keycloak-oidc-ca/,
      );
      expect(player.firstSeen).toEqual(['Subscription', 'Keycloak', 'KeycloakRealmImport', 'Deployment']);
      for (const ns of f.model.issuerCa.namespaces) expect(await issuerCaOf(ns)).toBe(wrongCa());
      const auth = await KubernetesObjectApi.makeApiClient(admin)
        .read({ apiVersion: 'config.openshift.io/v1', kind: 'Authentication', metadata: { name: 'cluster' } })
        .then(
          () => 'present',
          (e: { code?: number }) => e.code,
        );
      expect(auth).toBe(404);
    },
    8 * MINUTE,
  );

  test(
    'once the ingress CA signs the issuer, apply updates the CA ConfigMaps and performs the switch; the Authentication is ours',
    async () => {
      await setIngressCa(keycloakCa());
      const r = await apply(['--switch-cluster-auth']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const lines = phaseLines(r);
      expect(lines.get('operators')).toMatch(/no change/);
      expect(lines.get('workloads')).toMatch(/0 created, 4 configured/);
      expect(lines.get('authentication-switch')).toMatch(
        new RegExp(
          `1 created, 0 configured, 0 unchanged; issuer ${f.model.oidc.issuer.replace(/[./]/g, '\\$&')} answers \\(certificate ".*" validates with openshift-config/keycloak-oidc-ca; JWKS \\d+ keys\\)`,
        ),
      );
      for (const ns of f.model.issuerCa.namespaces) expect(await issuerCaOf(ns)).toBe(keycloakCa());
      const auth = (await KubernetesObjectApi.makeApiClient(admin).read({
        apiVersion: 'config.openshift.io/v1',
        kind: 'Authentication',
        metadata: { name: 'cluster' },
      })) as {
        metadata: { managedFields?: { manager?: string }[] };
        spec: { type: string };
      };
      expect(auth.spec.type).toBe('OIDC');
      expect(auth.metadata.managedFields?.map((m) => m.manager)).toEqual(['kube-mcp-stack']);
    },
    5 * MINUTE,
  );

  test(
    'a second apply reports no change in every phase',
    async () => {
      const r = await apply(['--switch-cluster-auth']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const lines = phaseLines(r);
      expect([...lines.keys()]).toEqual(APPLY_PHASES.map((p) => p.name));
      for (const [phase, line] of lines) expect(`${phase}: ${line}`).toMatch(new RegExp(`^${phase}: \\d+ objects, no change`));
    },
    5 * MINUTE,
  );

  test(
    '--dry-run after a config change (mcpServer.replicas 2 → 3) shows exactly that change and writes nothing',
    async () => {
      const changed = await makeStackFixture(keycloak, join(workDir, 'changed'), (c) =>
        noIssuerCa(c, (x) => ({ ...x, mcpServer: { ...x.mcpServer, replicas: 3 } })),
      );
      const r = await apply(['--switch-cluster-auth', '--dry-run'], changed.distDir);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const changedObjects = r.stdout.split('\n').filter((l) => /^would (create|configure) /.test(l));
      expect(changedObjects).toEqual([
        `would configure apps/v1/Deployment ${f.model.namespaces.mcpServer}/${f.model.config.mcpServer.name} (0007-mcp-server.k8s.yaml)`,
      ]);
      const diffLines = r.stdout.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l));
      expect(diffLines).toEqual(['-  replicas: 2', '+  replicas: 3']);
      const lines = phaseLines(r);
      expect(lines.get('workloads')).toMatch(/0 would be created, 1 would be configured/);
      for (const phase of ['operators', 'keycloak', 'realm', 'authentication-switch']) expect(lines.get(phase)).toMatch(/no change/);
      const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: f.model.config.mcpServer.name, namespace: f.model.namespaces.mcpServer });
      expect(d.spec?.replicas).toBe(2);
    },
    5 * MINUTE,
  );

  test(
    'a field another manager took over is a conflict naming the field and manager, never forced; --force-conflicts takes it back',
    async () => {
      const ns = f.model.namespaces.mcpServer;
      const name = f.model.config.mcpServer.name;
      await KubernetesObjectApi.makeApiClient(admin).patch(
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas: 5 } },
        undefined,
        undefined,
        'e2e-other-manager',
        true,
        PatchStrategy.ServerSideApply,
      );
      const r = await apply();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('phase workloads: 1 object(s) have fields another field manager owns with other values (nothing was forced)');
      expect(r.stderr).toMatch(new RegExp(`apps/v1/Deployment ${ns}/${name}: conflict with "e2e-other-manager".*\\.spec\\.replicas`));
      expect(r.stderr).toContain('--force-conflicts');
      const apps = admin.makeApiClient(AppsV1Api);
      expect((await apps.readNamespacedDeployment({ name, namespace: ns })).spec?.replicas).toBe(5);
      const forced = await apply(['--force-conflicts']);
      expect({ code: forced.code, stderr: forced.stderr }).toEqual({ code: 0, stderr: '' });
      expect((await apps.readNamespacedDeployment({ name, namespace: ns })).spec?.replicas).toBe(2);
    },
    5 * MINUTE,
  );

  test(
    'with clusterAuth.issuerCaPem that does not validate the issuer, apply refuses before writing the CA',
    async () => {
      const bad = await makeStackFixture(keycloak, join(workDir, 'bad-pem'), (c) =>
        noIssuerCa(c, (x) => ({ ...x, clusterAuth: { ...x.clusterAuth, issuerCaPem: wrongCa() } })),
      );
      const r = await apply(['--switch-cluster-auth'], bad.distDir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /phase workloads: refusing to apply the issuer CA: the certificate of 127\.0\.0\.1:\d+ does not validate with clusterAuth\.issuerCaPem: .*; set clusterAuth\.issuerCaPem to the CA that signed Keycloak's certificate/,
      );
      expect(phaseLines(r).has('workloads')).toBe(false);
      expect(await issuerCaOf('openshift-config')).toBe(keycloakCa());
    },
    5 * MINUTE,
  );
});
