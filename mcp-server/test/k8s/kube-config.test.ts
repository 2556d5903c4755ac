/**
 * The per-caller client configuration never loads @kubernetes/client-node (k8s/kube-config.ts):
 * a caller's request against an in-cluster target goes out through the shared transport while
 * the library stays unloaded; the first use that needs it (a client-node client) loads it.
 * Alone in its file: every test file has its own module registry, and other k8s tests load
 * client-node through kubeconfig files.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeConfigForToken, loadClusterTarget } from '../../src/k8s/cluster.js';
import { clientNodeLoaded, fullKubeConfig } from '../../src/k8s/kube-config.js';
import { kubeRequest } from '../../src/k8s/request.js';
import { startFakeApiServer } from './fake-apiserver.js';

it("a caller's request does not load @kubernetes/client-node; a client-node client does", async () => {
  const fake = await startFakeApiServer();
  try {
    fake.on('GET', '/api', { body: { versions: ['v1'] } });
    const answer = await kubeRequest<{ versions: string[] }>(fake.kubeConfig('user-token-1'), { path: '/api' });
    expect(answer.versions).toEqual(['v1']);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer user-token-1');
    const sa = mkdtempSync(join(tmpdir(), 'sa-'));
    writeFileSync(join(sa, 'ca.crt'), 'x');
    const target = loadClusterTarget({
      strategy: 'in-cluster',
      serviceAccountDir: sa,
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
    });
    const kc = kubeConfigForToken(target, 'token-b');
    expect(kc.getCurrentUser()?.token).toBe('token-b');
    expect(clientNodeLoaded()).toBe(false);
    expect(typeof fullKubeConfig(kc).makeApiClient).toBe('function');
    expect(clientNodeLoaded()).toBe(true);
  } finally {
    await fake.close();
  }
});
