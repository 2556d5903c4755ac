/**
 * `npm run e2e:up` — starts the whole e2e harness by hand and leaves it running: the real
 * Keycloak (test/e2e/keycloak-harness.ts) and, configured for it, etcd + kube-apiserver
 * (test/e2e/kube-harness.ts), exactly as the jest global setup does. Connection details go to
 * the e2e state file; run the suite against them with
 *   KMS_E2E_REUSE_KEYCLOAK=1 KMS_E2E_REUSE_KUBE=1 npm run test:e2e
 * and stop everything with `npm run e2e:down`. Secrets stay in the state file, never printed.
 */
import { setupKeycloak } from '../test/e2e/global-setup.js';
import { setupKube } from '../test/e2e/kube/setup.js';

async function main(): Promise<void> {
  const t0 = Date.now();
  await setupKeycloak();
  const kube = await setupKube();
  console.log(`[e2e] up in ${((Date.now() - t0) / 1000).toFixed(1)}s
  kube-apiserver  ${kube.server}   (${kube.versions})
  admin config    ${kube.adminKubeconfig}
  logs            ${kube.logDir}
  stop with       npm run e2e:down`);
}

main().catch((e: Error) => {
  console.error(`e2e-up: ${e.message}`);
  process.exit(1);
});
