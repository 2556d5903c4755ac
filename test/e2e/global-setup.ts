/**
 * Jest global setup of the `e2e` project: starts each real component and records how to
 * reach it in the e2e state file (test/e2e/e2e-state.ts). One function per component, so
 * the kube-apiserver part is one more call in {@link globalSetup}.
 * With `KMS_E2E_REUSE_KEYCLOAK=1` an already running Keycloak recorded in the state file
 * (`npm run e2e:keycloak -- --detach`) is used instead of starting one.
 *
 * Jest loads this file with Node's own ESM loader, which neither maps `.js` to `.ts` nor
 * runs TypeScript, so the harness modules are loaded through tsx's `tsImport`.
 */
import { tsImport } from 'tsx/esm/api';

type Harness = typeof import('./keycloak-harness.js');
type State = typeof import('./e2e-state.js');
type KubeSetup = typeof import('./kube/setup.js');

/** Loads a TypeScript module of this folder (`name` without extension). */
export function loadTs<T>(name: string): Promise<T> {
  return tsImport(`./${name}.ts`, import.meta.url) as Promise<T>;
}

/**
 * Gives this jest run its own state file (`<cache>/e2e-state-<pid>.json`) unless
 * `KMS_E2E_STATE` is set, so parallel runs on one machine never stop each other's
 * servers. Workers inherit the variable; in-band tests share this process.
 */
export async function selectStateFile(): Promise<void> {
  if (process.env.KMS_E2E_STATE || process.env.KMS_E2E_REUSE_KEYCLOAK === '1') return;
  const { cacheDir } = await loadTs<Harness>('keycloak-harness');
  process.env.KMS_E2E_STATE = `${cacheDir()}/e2e-state-${process.pid}.json`;
}

export async function setupKeycloak(): Promise<void> {
  const { startKeycloak } = await loadTs<Harness>('keycloak-harness');
  const { readState, writeStateEntry } = await loadTs<State>('e2e-state');
  if (process.env.KMS_E2E_REUSE_KEYCLOAK === '1' && readState().keycloak) return;
  const kc = await startKeycloak();
  writeStateEntry('keycloak', kc);
  process.stderr.write(`\n[e2e] Keycloak ${kc.version} at ${kc.baseUrl} (pid ${kc.pid}, log ${kc.logFile})\n`);
}

/** etcd + kube-apiserver (+ controller manager) trusting that Keycloak (test/e2e/kube/setup.ts). */
export async function setupKubeApiserver(): Promise<void> {
  const { setupKube } = await loadTs<KubeSetup>('kube/setup');
  await setupKube();
}

export default async function globalSetup(): Promise<void> {
  await selectStateFile();
  await setupKeycloak();
  await setupKubeApiserver();
}
