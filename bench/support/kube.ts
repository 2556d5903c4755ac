/**
 * The real etcd + kube-apiserver for the MCP server benchmark, started through the e2e
 * harness's `startKube()` (test/e2e/kube-harness.ts) in the bench's own run folder
 * (`<cache>/bench/kube-run`), so the bench never stops or touches a harness another run keeps
 * in `<cache>/kube/run-<pid>`; a bench run that was killed is cleaned up by the next one (the
 * harness stops what a previous start recorded in the same folder). The pinned binaries come
 * from `<cache>/kube/bin`; the bench never builds them (run `bash test/e2e/kube/build.sh` first).
 *
 * The apiserver trusts the bench issuer with a structured AuthenticationConfiguration
 * (JWT authenticator: audience `openshift`, username claim `preferred_username`, groups claim
 * `groups`, no prefixes, issuer CA inline), as the e2e harness does for Keycloak.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { ApiserverAuthenticationConfiguration } from '../../charts/external-auth.js';
import { serverSideApply } from '../../test/e2e/kube/apply.js';
import { adminKubeConfig, cacheDir, startKube, stopKube, type KubeState } from '../../test/e2e/kube-harness.js';

/** Where the pinned binaries are expected (`<cache>/kube/bin`). */
export function kubeBinDir(): string {
  return join(cacheDir(), 'kube', 'bin');
}

/** True when etcd, kube-apiserver and kube-controller-manager have been built into the cache. */
export function kubeBinariesPresent(): boolean {
  return ['etcd', 'kube-apiserver', 'kube-controller-manager', 'stamp'].every((f) => existsSync(join(kubeBinDir(), f)));
}

/** A started bench cluster; `stop()` stops exactly the programs it started. */
export interface BenchKube {
  /** The bench's folder under the cache (`<cache>/bench`): harness run folder, MCP server log. */
  readonly dir: string;
  readonly state: KubeState;
  stop(): Promise<void>;
}

/**
 * Starts etcd, kube-apiserver (trusting `issuer` for audience `audience`) and the controller
 * manager with their state and logs in `<cache>/bench/kube-run`.
 * @throws Error when the binaries are missing, or with the failing program's log tail
 */
export async function startBenchKube(issuer: { url: string; caPem: string }, audience: string): Promise<BenchKube> {
  if (!kubeBinariesPresent()) throw new Error(`no kube binaries in ${kubeBinDir()}: run "bash test/e2e/kube/build.sh" first`);
  const dir = join(cacheDir(), 'bench');
  const authenticationConfiguration: ApiserverAuthenticationConfiguration = {
    apiVersion: 'apiserver.config.k8s.io/v1beta1',
    kind: 'AuthenticationConfiguration',
    jwt: [
      {
        issuer: { url: issuer.url, audiences: [audience], certificateAuthority: issuer.caPem },
        claimMappings: { username: { claim: 'preferred_username', prefix: '' }, groups: { claim: 'groups', prefix: '' } },
      },
    ],
  };
  const state = await startKube({ authenticationConfiguration, runDir: join(dir, 'kube-run') });
  return { dir, state, stop: () => stopKube(state.runDir) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Who the bench RoleBinding names (RBAC subject kinds). */
export interface BenchSubject {
  readonly kind: 'Group' | 'User';
  readonly name: string;
}

/**
 * Creates namespace `namespace` with `pods` Pods (stored only: no kubelet runs them) and a
 * RoleBinding granting the built-in `view` ClusterRole to `subjects`.
 * Retries the Pods until the namespace's default ServiceAccount exists (at most 60 s).
 * @param cluster the harness state (its admin kubeconfig is used) or an admin KubeConfig
 * @throws Error naming the objects that could not be applied
 */
export async function seedNamespace(cluster: KubeState | KubeConfig, namespace: string, pods: number, subjects: readonly BenchSubject[]): Promise<void> {
  const kc = cluster instanceof KubeConfig ? cluster : adminKubeConfig(cluster);
  const apply = async (objects: KubernetesObject[]) => (await serverSideApply(kc, objects, 'kube-mcp-stack-bench')).filter((r) => r.error);
  const base: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'bench-view', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: subjects.map((x) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: x.kind, name: x.name })),
    } as KubernetesObject,
  ];
  const failedBase = await apply(base);
  if (failedBase.length) throw new Error(`bench namespace: ${failedBase.map((r) => `${r.ref}: ${r.error}`).join('; ')}`);
  const podObjects = Array.from(
    { length: pods },
    (_, i) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `bench-${String(i).padStart(3, '0')}`, namespace, labels: { app: 'bench', shard: String(i % 4) } },
        spec: { containers: [{ name: 'main', image: 'registry.example/bench:1', args: ['sleep', 'infinity'] }] },
      }) as KubernetesObject,
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const failed = await apply(podObjects);
    if (!failed.length) return;
    if (Date.now() > deadline) throw new Error(`bench pods: ${failed.map((r) => `${r.ref}: ${r.error}`).join('; ')}`);
    await sleep(500);
  }
}
