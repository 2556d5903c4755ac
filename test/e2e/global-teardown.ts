/**
 * Jest global teardown of the `e2e` project: stops what global setup started, by pid
 * (one function per component, like global-setup.ts).
 */
import { tsImport } from 'tsx/esm/api';

/** Loads a TypeScript module of this folder; see global-setup.ts for why. */
const loadTs = <T>(name: string): Promise<T> => tsImport(`./${name}.ts`, import.meta.url) as Promise<T>;

type Harness = typeof import('./keycloak-harness.js');
type State = typeof import('./e2e-state.js');
type KubeSetup = typeof import('./kube/setup.js');

export async function teardownKeycloak(): Promise<void> {
  if (process.env.KMS_E2E_REUSE_KEYCLOAK === '1') return;
  const { stopKeycloak } = await loadTs<Harness>('keycloak-harness');
  const { readState, writeStateEntry } = await loadTs<State>('e2e-state');
  const kc = readState().keycloak;
  if (!kc) return;
  await stopKeycloak(kc);
  writeStateEntry('keycloak', undefined);
}

/** Stops the harness etcd, kube-apiserver and controller manager by pid (test/e2e/kube/setup.ts). */
export async function teardownKubeApiserver(): Promise<void> {
  const { teardownKube } = await loadTs<KubeSetup>('kube/setup');
  await teardownKube();
}

export default async function globalTeardown(): Promise<void> {
  await teardownKubeApiserver();
  await teardownKeycloak();
}
