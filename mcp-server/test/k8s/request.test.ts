import { KubeApiError, kubeRequest, kubeRequestText, observeRequests, requestUrl, statusError } from '../../src/k8s/request.js';
import { resourcePath } from '../../src/k8s/resource-client.js';
import { kubeConfigForToken } from '../../src/k8s/cluster.js';
import { startFakeApiServer, status } from './fake-apiserver.js';

describe('statusError', () => {
  it('takes reason and message from a metav1.Status body', () => {
    const e = statusError(403, JSON.stringify(status(403, 'Forbidden', 'pods is forbidden: User "alice" cannot list resource "pods"').body));
    expect(e).toBeInstanceOf(KubeApiError);
    expect(e.code).toBe(403);
    expect(e.message).toBe('Forbidden: pods is forbidden: User "alice" cannot list resource "pods"');
  });

  it('names the HTTP reason for a non-JSON body', () => {
    expect(statusError(401, 'Unauthorized\n').message).toBe('Unauthorized: Unauthorized');
    expect(statusError(409, '').reason).toBe('Conflict');
  });

  it('explains a bare 404 (API group not served) and names the request', () => {
    expect(statusError(404, '404 page not found', 'GET /apis/metrics.k8s.io/v1beta1/pods').message).toBe(
      'NotFound: the server could not find the requested resource (GET /apis/metrics.k8s.io/v1beta1/pods)',
    );
  });
});

describe('requestUrl', () => {
  it('keeps a path prefix in the server URL and drops empty query values', () => {
    const kc = kubeConfigForToken({ name: 'c', server: 'https://proxy.example/k8s/clusters/c-1', skipTLSVerify: false, namespace: 'default' }, 't');
    const u = requestUrl(kc, { path: '/api/v1/pods', query: { limit: 5, continue: undefined, labelSelector: '' } });
    expect(u.toString()).toBe('https://proxy.example/k8s/clusters/c-1/api/v1/pods?limit=5');
  });

  it('refuses a path that new URL() would not keep as built (dot segments, ?, #)', () => {
    const kc = kubeConfigForToken({ name: 'c', server: 'https://api.example:6443', skipTLSVerify: false, namespace: 'default' }, 't');
    expect(() => requestUrl(kc, { path: '/api/v1/namespaces/team-a/configmaps/..' })).toThrow(
      'refusing request: path "/api/v1/namespaces/team-a/configmaps/.." does not stay as built (the URL would be "/api/v1/namespaces/team-a/")',
    );
    expect(() => requestUrl(kc, { path: '/apis/apps/v1/namespaces/team-a/deployments/../scale' })).toThrow(
      /would be "\/apis\/apps\/v1\/namespaces\/team-a\/scale"/,
    );
    expect(() => requestUrl(kc, { path: '/api/v1/namespaces/%2e%2e/pods' })).toThrow(/refusing request/);
    expect(() => requestUrl(kc, { path: '/api/v1/pods/x?watch=1' })).toThrow(/refusing request/);
    expect(() => requestUrl(kc, { path: '/api/v1/pods/x#y' })).toThrow(/refusing request/);
  });

  it('resourcePath + requestUrl: a ConfigMap named ".." can never reach the namespace or a scale path', () => {
    const kc = kubeConfigForToken({ name: 'c', server: 'https://api.example:6443', skipTLSVerify: false, namespace: 'default' }, 't');
    const cm = { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true };
    expect(() => requestUrl(kc, { path: resourcePath(cm, 'team-a', '..') })).toThrow(/refusing request/);
    expect(() => requestUrl(kc, { path: resourcePath(cm, 'team-a', '.') })).toThrow(/refusing request/);
    expect(requestUrl(kc, { path: resourcePath(cm, 'team-a', 'a b') }).pathname).toBe('/api/v1/namespaces/team-a/configmaps/a%20b');
  });
});

describe('kubeRequest', () => {
  it('sends a JSON body with its content type and parses the answer', async () => {
    const fake = await startFakeApiServer();
    try {
      fake.on('PATCH', '/api/v1/namespaces/a/configmaps/x', (r) => ({ body: { echoed: JSON.parse(r.body), ct: r.headers['content-type'] } }));
      const out = await kubeRequest<{ echoed: unknown; ct: string }>(fake.kubeConfig(), {
        method: 'PATCH',
        path: '/api/v1/namespaces/a/configmaps/x',
        body: { data: { k: 'v' } },
        contentType: 'application/merge-patch+json',
      });
      expect(out).toEqual({ echoed: { data: { k: 'v' } }, ct: 'application/merge-patch+json' });
    } finally {
      await fake.close();
    }
  });

  it('rejects with KubeApiError carrying the Status of a 404', async () => {
    const fake = await startFakeApiServer();
    try {
      fake.on('GET', '/api/v1/namespaces/a/pods/p', status(404, 'NotFound', 'pods "p" not found'));
      await expect(kubeRequestText(fake.kubeConfig(), { path: '/api/v1/namespaces/a/pods/p' })).rejects.toMatchObject({
        code: 404,
        reason: 'NotFound',
        apiMessage: 'pods "p" not found',
      });
    } finally {
      await fake.close();
    }
  });
});

describe('observeRequests (mcp_kubernetes_requests_total)', () => {
  it('reports every request sent with the KubeConfig: its method and the answer code, or error', async () => {
    const fake = await startFakeApiServer();
    const seen: string[] = [];
    try {
      fake.on('GET', '/api/v1/namespaces', { body: { items: [] } });
      const kc = observeRequests(fake.kubeConfig(), (method, code) => seen.push(`${method} ${code}`));
      await kubeRequest(kc, { path: '/api/v1/namespaces' });
      await expect(kubeRequest(kc, { method: 'DELETE', path: '/api/v1/namespaces/x' })).rejects.toMatchObject({ code: 404 });
      // Another KubeConfig for the same server reports nothing here.
      await kubeRequest(fake.kubeConfig(), { path: '/api/v1/namespaces' });
      expect(seen).toEqual(['GET 200', 'DELETE 404']);
    } finally {
      await fake.close();
    }
    const down = observeRequests(kubeConfigForToken({ name: 'c', server: fake.url, skipTLSVerify: true, namespace: 'default' }, 't'), (m, c) =>
      seen.push(`${m} ${c}`),
    );
    await expect(kubeRequest(down, { path: '/api' })).rejects.toThrow();
    expect(seen.at(-1)).toBe('GET error');
  });
});
