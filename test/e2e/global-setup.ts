/**
 * Jest global setup of the `e2e` project: starts each real component and records how to
 * reach it in the e2e state file (test/e2e/e2e-state.ts). One function per component so
 * the kube-apiserver part is one more call. `KMS_E2E_KEYCLOAK_URL` skips starting
 * Keycloak when a state entry for an already running one exists (`npm run e2e:keycloak -- --keep`).
 */
import { startKeycloak } from './keycloak-harness.js';
import { readState, writeStateEntry } from './e2e-state.js';
import { setupKube } from './kube/setup.js';

export async function setupKeycloak(): Promise<void> {
  const existing = readState().keycloak;
  if (process.env.KMS_E2E_REUSE_KEYCLOAK === '1' && existing) return;
  const kc = await startKeycloak();
  writeStateEntry('keycloak', kc);
  process.stderr.write(`\n[e2e] Keycloak ${kc.version} at ${kc.baseUrl} (pid ${kc.pid}, log ${kc.logFile})\n`);
}

export default async function globalSetup(): Promise<void> {
  await setupKeycloak();
  await setupKube(); // etcd + kube-apiserver trusting that Keycloak (test/e2e/kube/setup.ts)
}
