/**
 * `npm run e2e:up` — starts the whole e2e harness by hand and leaves it running: the real
 * Keycloak (test/e2e/keycloak-harness.ts) and, configured for it, etcd + kube-apiserver
 * (test/e2e/kube-harness.ts), exactly as the jest global setup does. Connection details go to
 * the e2e state file; run the suite against them with
 *   KMS_E2E_REUSE_KEYCLOAK=1 KMS_E2E_REUSE_KUBE=1 npm run test:e2e
 * and stop everything with `npm run e2e:down`. Secrets stay in the state file, never printed.
 *
 * Refuses (exit 1) when the state file already records a live harness, unless the reuse
 * switches keep it (scripts/e2e-harness-info.ts): a second start would overwrite its pids.
 */
import { setupKeycloak } from '../test/e2e/global-setup.js';
import { keycloakFromState, readState, statePath } from '../test/e2e/e2e-state.js';
import { harnessModel, setupKube } from '../test/e2e/kube/setup.js';
import { conflictingHarness, harnessSummary } from './e2e-harness-info.js';

async function main(): Promise<void> {
  const t0 = Date.now();
  const conflict = conflictingHarness(readState(), process.env, statePath());
  if (conflict) throw new Error(conflict);
  await setupKeycloak();
  const kube = await setupKube();
  const summary = harnessSummary(keycloakFromState(), kube, {
    issuer: harnessModel().oidc.issuer,
    statePath: statePath(),
    elapsedSeconds: (Date.now() - t0) / 1000,
  });
  console.log(summary);
}

main().catch((e: Error) => {
  console.error(`e2e-up: ${e.message}`);
  process.exit(1);
});
