/** Jest global teardown of the `e2e` project: stops what global setup started, by pid. */
import { stopKeycloak } from './keycloak-harness.js';
import { readState, writeStateEntry } from './e2e-state.js';
import { teardownKube } from './kube/setup.js';

export async function teardownKeycloak(): Promise<void> {
  if (process.env.KMS_E2E_REUSE_KEYCLOAK === '1') return;
  const kc = readState().keycloak;
  if (!kc) return;
  await stopKeycloak(kc);
  writeStateEntry('keycloak', undefined);
}

export default async function globalTeardown(): Promise<void> {
  await teardownKube();
  await teardownKeycloak();
}
