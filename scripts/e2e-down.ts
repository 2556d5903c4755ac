/**
 * `npm run e2e:down` — stops what `npm run e2e:up` (or an interrupted jest run) started:
 * kube-apiserver and etcd, then Keycloak, each by the pid recorded in the state files.
 */
import { teardownKeycloak } from '../test/e2e/global-teardown.js';
import { teardownKube } from '../test/e2e/kube/setup.js';

async function main(): Promise<void> {
  // `down` means down, even in a shell that exported the reuse switches for the tests.
  delete process.env.KMS_E2E_REUSE_KUBE;
  delete process.env.KMS_E2E_REUSE_KEYCLOAK;
  await teardownKube();
  await teardownKeycloak();
  console.log('[e2e] down');
}

main().catch((e: Error) => {
  console.error(`e2e-down: ${e.message}`);
  process.exit(1);
});
