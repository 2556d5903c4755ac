/**
 * Plays the operators' status transitions on the real harness apiserver, since no operator runs
 * here (tests that use it say so in their names): OLM (a ClusterServiceVersion per Subscription,
 * phase `Succeeded`, and the Subscription's `status.installedCSV`), the Keycloak operator
 * (Keycloak `Ready`, realm import `Done`) and the Deployment controller (`Available`, all replicas).
 * Only status is written; the objects themselves come from whoever applies them.
 * Also the ClusterServiceVersion CRD, reduced to what OLM's status carries (../shared/crds has no
 * CSV CRD): group operators.coreos.com, v1alpha1, a `status` subresource.
 */
import { AppsV1Api, CustomObjectsApi, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { installCrds } from './apply.js';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

const CSV_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'clusterserviceversions.operators.coreos.com' },
  spec: {
    group: 'operators.coreos.com',
    scope: 'Namespaced',
    names: {
      plural: 'clusterserviceversions',
      singular: 'clusterserviceversion',
      kind: 'ClusterServiceVersion',
      listKind: 'ClusterServiceVersionList',
      shortNames: ['csv'],
    },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

/** Installs the reduced ClusterServiceVersion CRD (file written under `dir`) and waits until it is Established. */
export async function installCsvCrd(kc: KubeConfig, dir: string): Promise<void> {
  const file = `${dir}/clusterserviceversions.crd.yaml`;
  await writeFile(file, stringify(CSV_CRD));
  await installCrds(kc, [file]);
}

type Obj = { metadata: { name: string; namespace: string; generation?: number }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const cond = (type: string, status: 'True' | 'False') => ({
  type,
  status,
  message: 'played by the e2e test (no operator runs here)',
  lastTransitionTime: now(),
});

/** The status player: {@link start} polls every 300 ms until {@link stop}. */
export class OperatorStatusPlayer {
  /** Kinds in the order the player first saw an object of them. */
  readonly firstSeen: string[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly custom: CustomObjectsApi;
  private readonly apps: AppsV1Api;
  /** Errors of the last tick, for a failing test's message. */
  lastErrors: string[] = [];

  constructor(
    kc: KubeConfig,
    /** Version (`v2alpha1`) or `k8s.keycloak.org/<version>` of the stack's Keycloak CRs. */
    private readonly keycloakApiVersion: string,
  ) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.apps = kc.makeApiClient(AppsV1Api);
  }

  start(): void {
    const loop = async () => {
      this.running = this.tick();
      await this.running;
      if (this.timer !== undefined) this.timer = setTimeout(loop, 300);
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private seen(kind: string): void {
    if (!this.firstSeen.includes(kind)) this.firstSeen.push(kind);
  }

  private async tick(): Promise<void> {
    const errors: string[] = [];
    const guard = async (what: string, f: () => Promise<void>) => {
      try {
        await f();
      } catch (e) {
        errors.push(`${what}: ${(e as { code?: number }).code ?? ''} ${(e as Error).message}`);
      }
    };
    await guard('OLM', () => this.olm());
    const [group, version] = this.keycloakApiVersion.includes('/') ? this.keycloakApiVersion.split('/') : ['k8s.keycloak.org', this.keycloakApiVersion];
    await guard('Keycloak', () => this.conditions(group, version, 'keycloaks', 'Keycloak', [cond('Ready', 'True'), cond('HasErrors', 'False')]));
    await guard('realm import', () =>
      this.conditions(group, version, 'keycloakrealmimports', 'KeycloakRealmImport', [cond('Done', 'True'), cond('HasErrors', 'False')]),
    );
    await guard('Deployments', () => this.deployments());
    if (errors.join() !== this.lastErrors.join() && errors.length) process.stderr.write(`[e2e] operator-status player: ${errors.join('; ')}\n`);
    this.lastErrors = errors;
  }

  private async list(group: string, version: string, plural: string): Promise<Obj[]> {
    return ((await this.custom.listClusterCustomObject({ group, version, plural })) as { items: Obj[] }).items;
  }

  private async olm(): Promise<void> {
    for (const sub of await this.list('operators.coreos.com', 'v1alpha1', 'subscriptions')) {
      this.seen('Subscription');
      if (sub.status?.installedCSV) continue;
      const ns = sub.metadata.namespace;
      const name = `${String(sub.spec?.name)}.v0.0.0-played`;
      const base = { group: 'operators.coreos.com', version: 'v1alpha1', namespace: ns, plural: 'clusterserviceversions' };
      try {
        await this.custom.createNamespacedCustomObject({
          ...base,
          body: { apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion', metadata: { name, namespace: ns }, spec: { displayName: name } },
        });
      } catch (e) {
        if ((e as { code?: number }).code !== 409) throw e;
      }
      const csv = (await this.custom.getNamespacedCustomObject({ ...base, name })) as Obj;
      await this.custom.replaceNamespacedCustomObjectStatus({
        ...base,
        name,
        body: { ...csv, status: { phase: 'Succeeded', reason: 'InstallSucceeded', message: 'played by the e2e test' } },
      });
      await this.custom.replaceNamespacedCustomObjectStatus({
        group: 'operators.coreos.com',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'subscriptions',
        name: sub.metadata.name,
        body: { ...sub, status: { installedCSV: name, currentCSV: name, state: 'AtLatestKnown', lastUpdated: now() } },
      });
    }
  }

  private async conditions(group: string, version: string, plural: string, kind: string, conditions: object[]): Promise<void> {
    for (const o of await this.list(group, version, plural)) {
      this.seen(kind);
      if (Array.isArray(o.status?.conditions) && o.status.conditions.length) continue;
      await this.custom.replaceNamespacedCustomObjectStatus({
        group,
        version,
        plural,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
        body: { ...o, status: { conditions } },
      });
    }
  }

  private async deployments(): Promise<void> {
    for (const d of (await this.apps.listDeploymentForAllNamespaces()).items as V1Deployment[]) {
      this.seen('Deployment');
      const gen = d.metadata?.generation ?? 1;
      if ((d.status?.observedGeneration ?? 0) >= gen) continue;
      const n = d.spec?.replicas ?? 1;
      d.status = {
        observedGeneration: gen,
        replicas: n,
        updatedReplicas: n,
        readyReplicas: n,
        availableReplicas: n,
        conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'played by the e2e test (no kubelet runs here)' }],
      };
      await this.apps.replaceNamespacedDeploymentStatus({
        name: d.metadata!.name!,
        namespace: d.metadata!.namespace!,
        body: { ...d, apiVersion: 'apps/v1', kind: 'Deployment' },
      });
    }
  }
}
