/**
 * Objects the Llama Stack and browser suites put into the harness apiserver next to `dist/`:
 * Pods for a user to list, and the model endpoints' API token Secrets the
 * LlamaStackDistribution references (model API tokens are the operator's to create, so no
 * command of the project makes them).
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { StackModel } from '../../../charts/model.js';

/**
 * Waits until the `default` ServiceAccount of each namespace exists (the harness's controller
 * manager creates it; the apiserver refuses a Pod without it): up to `tries` reads, 200 ms apart.
 * @throws the API error of a read that fails with anything but 404
 */
export async function waitForDefaultServiceAccounts(kc: KubeConfig, namespaces: readonly string[], tries = 100): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const found = (namespace: string) =>
    core.readNamespacedServiceAccount({ namespace, name: 'default' }).then(
      () => true,
      (e: unknown) => {
        if ((e as { code?: number }).code === 404) return false;
        throw e;
      },
    );
  for (const namespace of namespaces) {
    for (let i = 0; !(await found(namespace)) && i < tries; i++) await new Promise((r) => setTimeout(r, 200));
  }
}

/** A Pod that is stored and listed, never run (no kubelet here): `registry.example.com/e2e/idle:1`. */
export function idlePod(name: string, namespace: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'main', image: 'registry.example.com/e2e/idle:1' }] },
  } as KubernetesObject;
}

/**
 * The API token Secrets of the model endpoints (`llamaStack.inference[].apiToken`), one object per
 * Secret name with every referenced key, each a random 32-hex-digit value.
 */
export function modelTokenSecrets(model: StackModel, namespace: string): KubernetesObject[] {
  const refs = model.config.llamaStack.inference.flatMap((p) => (p.apiToken ? [p.apiToken] : []));
  return [...new Set(refs.map((s) => s.name))].map(
    (name) =>
      ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace },
        stringData: Object.fromEntries(refs.filter((s) => s.name === name).map((s) => [s.key, randomBytes(16).toString('hex')])),
      }) as KubernetesObject,
  );
}
