import { KubeApiError, kubeRequest, kubeRequestText, requestUrl, statusError } from '../../src/k8s/request.js';
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
      await expect(kubeRequestText(fake.kubeConfig(), { path: '/api/v1/namespaces/a/pods/p' })).rejects.toMatchObject({ code: 404, reason: 'NotFound', apiMessage: 'pods "p" not found' });
    } finally {
      await fake.close();
    }
  });
});
