/**
 * `kube-mcp-stack doctor` (issue 12 item 3) on a real kube-apiserver of its own (the harness's
 * `startKube`, so the cluster-scoped objects this test changes never touch the shared one) and
 * the real harness Keycloak. The test creates the OpenShift objects the checks read — the
 * FeatureGate and Authentication CRDs are the real ones from ../shared/crds (the harness
 * installs them); ClusterVersion has no CRD there, so a stand-in CRD plays the cluster-version
 * operator's object; PackageManifest is OLM's aggregated API (packageserver), so first the
 * check runs against the apiserver's real 404, then a stand-in CRD plays the packageserver.
 * Then doctor must FAIL on each broken precondition it is shown, one test each, and pass an all-OK run.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { StackConfig } from '../../charts/config.js';
import { Testing } from 'cdk8s';
import { addKubeMcpStack } from '../../charts/stack.js';
import { deriveModel } from '../../charts/model.js';
import { requiredSecrets } from '../../charts/required-secrets.js';
import { formatCheck, runDoctor, wantedNamespaces, type CheckResult } from '../../cli/doctor.js';
import { ensureSecrets, KubernetesSecretSource } from '../../secrets/store.js';
import { keycloakFromState } from './e2e-state.js';
import { generateTlsMaterial } from './keycloak-harness.js';
import { adminKubeConfig, cacheDir, repoRoot, startKube, stopKube, type KubeState } from './kube-harness.js';
import { installCrds, serverSideApply } from './kube/apply.js';
import { harnessStackConfig } from './kube/stack-config.js';
import { runNode } from './kube/stack-fixture.js';
import { admin as keycloakAdmin } from './realm-fixture.js';

const MINUTE = 60_000;
const keycloak = keycloakFromState();
const REALM = 'kms-e2e-doctor';
const MANAGER = 'kms-doctor-e2e';
const runDir = join(cacheDir(), 'kube', `run-doctor-${process.pid}`);
let kube: KubeState;
let kc: KubeConfig;
let core: CoreV1Api;

/** The cluster's version in the all-OK state (ClusterVersion stand-in). */
const CLUSTER_VERSION = '4.20.3';

/**
 * The harness stack config (issuer CA = the harness CA) for OpenShift 4.20 (external OIDC without
 * a FeatureGate) with realm {@link REALM}, changed by `vary`.
 */
function config(vary: (c: StackConfig) => void = () => {}): StackConfig {
  const c = structuredClone(harnessStackConfig(keycloak));
  c.openshift = { ...c.openshift, version: '4.20' };
  c.realm = { ...c.realm, realm: REALM };
  vary(c);
  return c;
}

async function doctor(c: StackConfig = config()): Promise<CheckResult[]> {
  return runDoctor({ model: deriveModel(c), kubeConfig: kc, timeoutMs: 5000 });
}

/** The one result of `check` (the report is printed when the expectation fails). */
function line(results: CheckResult[], check: string): CheckResult {
  const found = results.filter((r) => r.check === check);
  if (found.length !== 1) throw new Error(`expected one "${check}" line in:\n${results.map(formatCheck).join('\n')}`);
  return found[0]!;
}

async function apply(objects: KubernetesObject[]): Promise<void> {
  const failed = (await serverSideApply(kc, objects, MANAGER)).filter((r) => r.error);
  if (failed.length) throw new Error(failed.map((r) => `${r.ref}: ${r.error}`).join('; '));
}

/**
 * Deletes and re-creates a cluster object: for changes the CRDs' CEL rules allow only on create
 * (a FeatureGate off CustomNoUpgrade; an Authentication's oidcClients, which on update must match
 * the status the authentication operator writes, and no operator runs here).
 */
async function recreate(o: KubernetesObject): Promise<void> {
  try {
    await KubernetesObjectApi.makeApiClient(kc).delete(o);
  } catch (e) {
    if ((e as { code?: number }).code !== 404) throw e;
  }
  await apply([o]);
}

/** A CRD whose objects keep any field (stand-ins for APIs the harness has no CRD of). */
function standInCrd(group: string, kind: string, plural: string, scope: 'Cluster' | 'Namespaced'): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

async function installStandIns(crds: object[]): Promise<void> {
  const file = join(runDir, `stand-in-crds-${Date.now()}.yaml`);
  await writeFile(file, crds.map((c) => stringify(c)).join('---\n'));
  await installCrds(kc, [file]);
}

const clusterVersion = (version: string): KubernetesObject =>
  ({
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterVersion',
    metadata: { name: 'version' },
    spec: { clusterID: '00000000-0000-4000-8000-000000000000' },
    status: { desired: { version } },
  }) as KubernetesObject;
const featureGate = (featureSet: string): KubernetesObject =>
  ({ apiVersion: 'config.openshift.io/v1', kind: 'FeatureGate', metadata: { name: 'cluster' }, spec: { featureSet } }) as KubernetesObject;
const authentication = (spec: object): KubernetesObject =>
  ({ apiVersion: 'config.openshift.io/v1', kind: 'Authentication', metadata: { name: 'cluster' }, spec }) as KubernetesObject;
const packageManifest = (name: string, channels: string[], source = 'redhat-operators'): KubernetesObject =>
  ({
    apiVersion: 'packages.operators.coreos.com/v1',
    kind: 'PackageManifest',
    metadata: { name, namespace: 'openshift-marketplace', labels: { catalog: source, 'catalog-namespace': 'openshift-marketplace' } },
    status: {
      catalogSource: source,
      catalogSourceNamespace: 'openshift-marketplace',
      packageName: name,
      defaultChannel: channels[0],
      channels: channels.map((c) => ({ name: c, currentCSV: `${name}.${c}.0` })),
    },
  }) as KubernetesObject;
const ingressCa = (pem: string): KubernetesObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'default-ingress-cert', namespace: 'openshift-config-managed' },
    data: { 'ca-bundle.crt': pem },
  }) as KubernetesObject;

beforeAll(async () => {
  await rm(runDir, { recursive: true, force: true });
  // OpenShift 4.20's Authentication CRD is the Default feature-set variant.
  kube = await startKube({ runDir, authenticationFeatureSet: 'Default' });
  kc = adminKubeConfig(kube);
  core = kc.makeApiClient(CoreV1Api);
  await mkdir(runDir, { recursive: true });
  const model = deriveModel(config());

  // What an OpenShift cluster has before the stack: its platform namespaces and objects.
  const namespaces = [...new Set([...wantedNamespaces(model), 'openshift-config-managed', 'openshift-marketplace'])];
  await apply(namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
  await installStandIns([standInCrd('config.openshift.io', 'ClusterVersion', 'clusterversions', 'Cluster')]);
  await apply([
    clusterVersion(CLUSTER_VERSION),
    featureGate(''),
    authentication({ type: 'IntegratedOAuth' }),
    ingressCa(readFileSync(keycloak.caFile, 'utf8')),
  ]);

  // Every Secret the stack references: generated ones as `secrets ensure` makes them, the model tokens by hand.
  const required = requiredSecrets(model);
  await ensureSecrets(new KubernetesSecretSource(kc), required, { generate: true });
  const external = required.filter((r) => r.format === 'external-token');
  for (const key of new Set(external.map((r) => `${r.namespace}/${r.name}`))) {
    const [namespace, name] = key.split('/') as [string, string];
    const keys = external.filter((r) => r.namespace === namespace && r.name === name).map((r) => r.key);
    await apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace },
        stringData: Object.fromEntries(keys.map((k) => [k, 'e2e-token'])),
      } as KubernetesObject,
    ]);
  }

  // The realm doctor's discovery check reads (only its existence matters here).
  const admin = await keycloakAdmin();
  if (!(await admin.realms.findOne({ realm: REALM }))) await admin.realms.create({ realm: REALM, enabled: true });
}, 5 * MINUTE);

afterAll(async () => {
  await stopKube(runDir);
}, MINUTE);

describe('doctor on a real kube-apiserver and the harness Keycloak', () => {
  test(
    "operator catalog: without OLM's packageserver the apiserver's real 404 for packages.operators.coreos.com/v1 is a FAIL naming that API",
    async () => {
      // The real apiserver: no such API group version.
      const res = await (
        await import('undici')
      ).fetch(`${kube.server}/apis/packages.operators.coreos.com/v1`, {
        dispatcher: new (await import('undici')).Agent({
          connect: { ca: readFileSync(kube.caFile), cert: readFileSync(kube.adminCertFile), key: readFileSync(kube.adminKeyFile) },
        }),
      });
      expect(res.status).toBe(404);
      const results = await doctor();
      for (const pkg of ['rhbk-operator', 'rhods-operator']) {
        const r = line(results, `operator catalog ${pkg}`);
        expect(r.status).toBe('FAIL');
        expect(r.detail).toBe(
          "the cluster does not serve packages.operators.coreos.com/v1 PackageManifest (OLM's packageserver), so no Subscription can resolve",
        );
      }
    },
    MINUTE,
  );

  describe("with a PackageManifest stand-in CRD playing OLM's packageserver", () => {
    beforeAll(async () => {
      await installStandIns([standInCrd('packages.operators.coreos.com', 'PackageManifest', 'packagemanifests', 'Namespaced')]);
      await apply([packageManifest('rhbk-operator', ['stable-v26.2', 'stable-v26.0']), packageManifest('rhods-operator', ['stable-2.25', 'fast'])]);
    }, MINUTE);

    test(
      'all preconditions met: every check is OK (issuer CA from clusterAuth.issuerCaPem)',
      async () => {
        const results = await doctor();
        expect(results.filter((r) => r.status !== 'OK').map(formatCheck)).toEqual([]);
        expect(results.map((r) => r.check)).toEqual([
          'openshift version',
          'feature set',
          'issuer CA',
          'namespaces',
          'secrets',
          'operator catalog rhbk-operator',
          'operator catalog rhods-operator',
          'keycloak',
          'mcp server image',
          'authentication',
        ]);
        expect(line(results, 'issuer CA').detail).toMatch(/^clusterAuth\.issuerCaPem validates the certificate of 127\.0\.0\.1:\d+$/);
      },
      MINUTE,
    );

    test(
      'all preconditions met without issuerCaPem: the default ingress CA validates the issuer',
      async () => {
        const r = line(await doctor(config((c) => delete c.clusterAuth!.issuerCaPem)), 'issuer CA');
        expect(r.status).toBe('OK');
        expect(r.detail).toMatch(
          /^the default ingress CA \(ConfigMap openshift-config-managed\/default-ingress-cert ca-bundle\.crt\) validates the certificate/,
        );
      },
      MINUTE,
    );

    test(
      'the CLI prints one line per check and exits 0 on the all-OK cluster, 1 on a FAIL',
      async () => {
        const file = join(runDir, 'stack.config.json');
        await writeFile(file, JSON.stringify(config()));
        const bin = join(repoRoot, 'bin', 'kube-mcp-stack.js');
        const good = await runNode([bin, 'doctor', '--config', file, '--kubeconfig', kube.adminKubeconfig, '--context', 'e2e'], {});
        expect(good.stderr).toBe('');
        expect(good.code).toBe(0);
        expect(good.stdout).toMatch(/^OK {3}openshift version: the cluster runs 4\.20\.3/m);
        expect(good.stdout).toContain('10 checks: 10 OK, 0 WARN, 0 FAIL');

        const bad = join(runDir, 'bad.config.json');
        await writeFile(bad, JSON.stringify(config((c) => (c.openshift = { ...c.openshift, version: '4.21' }))));
        const failed = await runNode([bin, 'doctor', '--config', bad, '--kubeconfig', kube.adminKubeconfig], {});
        expect(failed.code).toBe(1);
        expect(failed.stdout).toMatch(
          /^FAIL openshift version: the cluster runs 4\.20\.3, openshift\.version is "4\.21" — fix: set openshift\.version: "4\.20"$/m,
        );

        const ctx = await runNode([bin, 'doctor', '--config', file, '--kubeconfig', kube.adminKubeconfig, '--context', 'nope'], {});
        expect(ctx.code).toBe(1);
        expect(ctx.stderr).toBe('kube-mcp-stack doctor: --context nope: no such context in the kubeconfig (known: e2e)\n');
      },
      2 * MINUTE,
    );

    describe('each broken precondition is a FAIL with its fix', () => {
      test(
        'openshift version: the ClusterVersion (stand-in playing the cluster-version operator) says 4.21',
        async () => {
          await apply([clusterVersion('4.21.0')]);
          try {
            const r = line(await doctor(), 'openshift version');
            expect(formatCheck(r)).toBe('FAIL openshift version: the cluster runs 4.21.0, openshift.version is "4.20" — fix: set openshift.version: "4.21"');
          } finally {
            await apply([clusterVersion(CLUSTER_VERSION)]);
          }
        },
        MINUTE,
      );

      test(
        'feature set: FeatureGate cluster is CustomNoUpgrade, which the 4.19 dist/ would replace with TechPreviewNoUpgrade',
        async () => {
          await apply([featureGate('CustomNoUpgrade')]);
          try {
            const c = config((x) => (x.openshift = { ...x.openshift, version: '4.19' }));
            const r = line(await doctor(c), 'feature set');
            expect(r.status).toBe('FAIL');
            expect(r.detail).toBe('featureSet CustomNoUpgrade; dist/ (feature-gate) would replace it with TechPreviewNoUpgrade');
          } finally {
            // The FeatureGate CRD refuses to change CustomNoUpgrade (CEL rule): recreate the object.
            await recreate(featureGate(''));
          }
        },
        MINUTE,
      );

      test(
        'feature set: a 4.19 cluster on featureSet Default with a config for 4.20 (no FeatureGate in dist/)',
        async () => {
          await apply([clusterVersion('4.19.7')]);
          try {
            const r = line(await doctor(), 'feature set');
            expect(r.status).toBe('FAIL');
            expect(r.detail).toContain('featureSet Default on a 4.19 cluster, where external OIDC needs TechPreviewNoUpgrade, and dist/ writes no FeatureGate');
          } finally {
            await apply([clusterVersion(CLUSTER_VERSION)]);
          }
        },
        MINUTE,
      );

      test(
        "issuer CA: clusterAuth.issuerCaPem is another CA than the one that signed Keycloak's certificate",
        async () => {
          const other = readFileSync(generateTlsMaterial(join(runDir, 'other-ca')).caFile, 'utf8');
          const results = await doctor(config((c) => (c.clusterAuth!.issuerCaPem = other)));
          const r = line(results, 'issuer CA');
          expect(r.status).toBe('FAIL');
          expect(r.detail).toMatch(
            /^clusterAuth\.issuerCaPem does not validate the certificate of 127\.0\.0\.1:\d+ \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/,
          );
          expect(r.fix).toContain('set clusterAuth.issuerCaPem');
        },
        MINUTE,
      );

      test(
        'issuer CA: no issuerCaPem and the default ingress CA does not sign the issuer',
        async () => {
          await apply([ingressCa(readFileSync(generateTlsMaterial(join(runDir, 'ingress-ca')).caFile, 'utf8'))]);
          try {
            const r = line(await doctor(config((c) => delete c.clusterAuth!.issuerCaPem)), 'issuer CA');
            expect(r.status).toBe('FAIL');
            expect(r.detail).toMatch(
              /^the default ingress CA \(ConfigMap openshift-config-managed\/default-ingress-cert ca-bundle\.crt\) does not validate the certificate of 127\.0\.0\.1:\d+/,
            );
            expect(r.fix).toContain('not signed by the default ingress CA');
          } finally {
            await apply([ingressCa(readFileSync(keycloak.caFile, 'utf8'))]);
          }
        },
        MINUTE,
      );

      test(
        'namespaces: a group binding names a namespace that does not exist and nothing in dist/ creates',
        async () => {
          const c = config((x) => {
            x.clusterAuth!.groupBindings = [
              { group: 'openshift_admins', clusterRole: 'cluster-admin' },
              { group: 'openshift_developers', clusterRole: 'view', namespaces: ['team-missing'] },
            ];
          });
          const r = line(await doctor(c), 'namespaces');
          expect(r.status).toBe('FAIL');
          expect(r.detail).toContain('team-missing (nothing in dist/ creates it)');
          expect(r.fix).toContain('oc create namespace team-missing');
        },
        MINUTE,
      );

      test(
        'secrets: a referenced Secret is missing',
        async () => {
          const sts = deriveModel(config()).mcpServer.stsClientSecret;
          const saved = await core.readNamespacedSecret({ namespace: sts.namespace, name: sts.name });
          await core.deleteNamespacedSecret({ namespace: sts.namespace, name: sts.name });
          try {
            const r = line(await doctor(), 'secrets');
            expect(r.status).toBe('FAIL');
            expect(r.detail).toContain(`${sts.namespace}/${sts.name}[${sts.key}]`);
            expect(r.fix).toBe('kube-mcp-stack secrets ensure --create-namespaces');
          } finally {
            await core.createNamespacedSecret({ namespace: sts.namespace, body: { metadata: { name: sts.name }, data: saved.data } });
          }
        },
        MINUTE,
      );

      test(
        'operator catalog: the configured channel is not in the package, and a package is not in the configured CatalogSource',
        async () => {
          const results = await doctor(
            config((c) => {
              c.keycloakOperator = { ...c.keycloakOperator, channel: 'stable-v26.4' };
              c.openshiftAi = { ...c.openshiftAi!, operator: { ...c.openshiftAi!.operator, source: 'community-operators' } };
            }),
          );
          expect(formatCheck(line(results, 'operator catalog rhbk-operator'))).toBe(
            'FAIL operator catalog rhbk-operator: channel stable-v26.4 is not in package rhbk-operator of redhat-operators (channels: stable-v26.2, stable-v26.0; default stable-v26.2) — fix: set keycloakOperator.channel to one of them',
          );
          const ai = line(results, 'operator catalog rhods-operator');
          expect(ai.status).toBe('FAIL');
          expect(ai.detail).toBe('no package rhods-operator in CatalogSource openshift-marketplace/community-operators');
        },
        MINUTE,
      );

      test(
        'keycloak: the issuer does not answer (a realm Keycloak does not have)',
        async () => {
          const r = line(await doctor(config((c) => (c.realm = { ...c.realm, realm: 'kms-e2e-doctor-absent' }))), 'keycloak');
          expect(r.status).toBe('FAIL');
          expect(r.detail).toMatch(/^GET https:\/\/127\.0\.0\.1:\d+\/realms\/kms-e2e-doctor-absent\/\.well-known\/openid-configuration: HTTP 404$/);
        },
        MINUTE,
      );

      test(
        'keycloak: nothing listens on the issuer host',
        async () => {
          const r = line(await doctor(config((c) => (c.hosts = { ...c.hosts, keycloak: '127.0.0.1:2' }))), 'keycloak');
          expect(r.status).toBe('FAIL');
          expect(r.detail).toBe(`GET https://127.0.0.1:2/realms/${REALM}/.well-known/openid-configuration: ECONNREFUSED`);
        },
        MINUTE,
      );

      test(
        'mcp server image: the reference is not valid syntax (upper-case repository)',
        async () => {
          const r = line(
            await doctor(config((c) => (c.mcpServer = { ...c.mcpServer, image: { repository: 'quay.io/Kube-MCP/server', tag: '1.0' } }))),
            'mcp server image',
          );
          expect(formatCheck(r)).toMatch(
            /^FAIL mcp server image: quay\.io\/Kube-MCP\/server:1\.0 is not a valid image reference: repository name must be lowercase — fix: /,
          );
        },
        MINUTE,
      );

      test(
        'authentication: the cluster is already OIDC with another issuer',
        async () => {
          // Our own switch as dist/ writes it (valid for the CRD), with another issuer.
          const ours = (() => {
            const app = Testing.app();
            const charts = addKubeMcpStack(app, deriveModel(config()));
            return Testing.synth(charts['cluster-authentication']!)[0] as KubernetesObject & { spec: { oidcProviders: { issuer: { issuerURL: string } }[] } };
          })();
          const other = structuredClone(ours);
          other.spec.oidcProviders[0]!.issuer.issuerURL = 'https://sso.example.com/realms/corp';
          await recreate(other);
          try {
            const r = line(await doctor(), 'authentication');
            expect(r.status).toBe('FAIL');
            expect(r.detail).toContain('type OIDC with issuer(s) https://sso.example.com/realms/corp; dist/ would replace that provider');
            // The switch with our own issuer is what doctor expects after a full apply.
            await recreate(ours);
            expect(line(await doctor(), 'authentication').status).toBe('OK');
          } finally {
            await recreate(authentication({ type: 'IntegratedOAuth' }));
          }
        },
        MINUTE,
      );
    });
  });
});
