import { createDiscoveryCache, parseApiVersion, UnknownKindError } from '../../src/k8s/discovery.js';
import { serveDiscovery, startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await startFakeApiServer();
  serveDiscovery(fake, [{ name: 'k8s.keycloak.org', version: 'v2beta1', resources: [{ name: 'keycloaks', kind: 'Keycloak', namespaced: true }] }]);
});
afterEach(() => fake.close());

const discoveryCalls = () => fake.requests.filter((r) => r.path === '/api' || r.path.startsWith('/api/') || r.path.startsWith('/apis')).length;

describe('parseApiVersion', () => {
  it('splits group and version, core group empty', () => {
    expect(parseApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(parseApiVersion('v1')).toEqual({ group: '', version: 'v1' });
  });
});

describe('createDiscoveryCache', () => {
  it('resolves a kind with apiVersion to its plural resource and scope', async () => {
    const d = createDiscoveryCache();
    await expect(d.resolve(fake.kubeConfig(), 'apps/v1', 'Deployment')).resolves.toEqual({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      resource: 'deployments',
      namespaced: true,
    });
    await expect(d.resolve(fake.kubeConfig(), 'v1', 'Namespace')).resolves.toMatchObject({ resource: 'namespaces', namespaced: false });
  });

  it('resolves a CRD kind without apiVersion by searching preferred versions, core first', async () => {
    const d = createDiscoveryCache();
    await expect(d.resolve(fake.kubeConfig(), undefined, 'Keycloak')).resolves.toMatchObject({
      group: 'k8s.keycloak.org',
      version: 'v2beta1',
      resource: 'keycloaks',
    });
    await expect(d.resolve(fake.kubeConfig(), undefined, 'pod')).resolves.toMatchObject({ group: '', kind: 'Pod' });
  });

  it('never matches a subresource entry (pods/log)', async () => {
    const d = createDiscoveryCache();
    const m = await d.resolve(fake.kubeConfig(), 'v1', 'Pod');
    expect(m.resource).toBe('pods');
  });

  it('serves repeated lookups from the cache, for every user of the cluster', async () => {
    const d = createDiscoveryCache();
    await d.resolve(fake.kubeConfig('alice'), 'apps/v1', 'Deployment');
    const after1 = discoveryCalls();
    await d.resolve(fake.kubeConfig('bob'), 'apps/v1', 'Deployment');
    await d.hasGroup(fake.kubeConfig('bob'), 'apps');
    await d.hasGroup(fake.kubeConfig('bob'), 'apps');
    expect(after1).toBe(1);
    expect(discoveryCalls()).toBe(3); // + /api and /apis once for hasGroup
  });

  it('refetches on a miss once the last fetch is older than missRefreshMs, finding a new CRD', async () => {
    let now = 1_000_000;
    const d = createDiscoveryCache({ now: () => now, missRefreshMs: 5_000 });
    const kc = fake.kubeConfig();
    await expect(d.resolve(kc, 'example.com/v1', 'Widget')).rejects.toThrow(UnknownKindError);
    const callsAfterMiss = discoveryCalls();
    await expect(d.resolve(kc, 'example.com/v1', 'Widget')).rejects.toThrow(/doesn't have a resource type "Widget" in example.com\/v1/);
    expect(discoveryCalls()).toBe(callsAfterMiss); // a miss within 5 s does not hit the server again
    fake.on('GET', '/apis/example.com/v1', { body: { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] } });
    now += 6_000;
    await expect(d.resolve(kc, 'example.com/v1', 'Widget')).resolves.toMatchObject({ resource: 'widgets' });
  });

  it('refetches everything after the TTL', async () => {
    let now = 0;
    const d = createDiscoveryCache({ now: () => now, ttlMs: 60_000 });
    await d.hasGroup(fake.kubeConfig(), 'apps');
    const c = discoveryCalls();
    now = 61_000;
    await d.hasGroup(fake.kubeConfig(), 'apps');
    expect(discoveryCalls()).toBe(c + 2);
  });

  it('answers hasGroup for served and missing groups', async () => {
    const d = createDiscoveryCache();
    await expect(d.hasGroup(fake.kubeConfig(), 'k8s.keycloak.org')).resolves.toBe(true);
    await expect(d.hasGroup(fake.kubeConfig(), 'project.openshift.io')).resolves.toBe(false);
  });

  it('keys the cache by cluster server URL', async () => {
    const other = await startFakeApiServer();
    try {
      serveDiscovery(other); // no keycloak group there
      const d = createDiscoveryCache();
      await expect(d.hasGroup(fake.kubeConfig(), 'k8s.keycloak.org')).resolves.toBe(true);
      await expect(d.hasGroup(other.kubeConfig(), 'k8s.keycloak.org')).resolves.toBe(false);
    } finally {
      await other.close();
    }
  });

  it('does not cache a failed discovery request', async () => {
    const down = await startFakeApiServer();
    try {
      let fail = true;
      down.on('GET', '/api', () => (fail ? { status: 503, body: 'unavailable' } : { body: { versions: ['v1'] } }));
      down.on('GET', '/apis', { body: { groups: [] } });
      let now = 0;
      const d = createDiscoveryCache({ now: () => now });
      await expect(d.hasGroup(down.kubeConfig(), 'apps')).rejects.toThrow(/ServiceUnavailable/);
      fail = false;
      now = 1;
      await expect(d.hasGroup(down.kubeConfig(), 'apps')).resolves.toBe(false);
    } finally {
      await down.close();
    }
  });
});
