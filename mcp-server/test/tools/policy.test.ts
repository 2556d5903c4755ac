import { parse } from 'yaml';
import { isDenied, REDACTED, redactSecret } from '../../src/tools/policy.js';
import { call, testContext, text } from './context.js';
import { serveDiscovery, startFakeApiServer, type FakeApiServer } from '../k8s/fake-apiserver.js';

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await startFakeApiServer();
  serveDiscovery(fake);
});
afterEach(() => fake.close());

const secret = () => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: {
    name: 'db',
    namespace: 'shop',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}', team: 'a' },
  },
  data: { password: 'c2VjcmV0', user: 'YWRtaW4=' },
  stringData: { extra: 'plain-secret' },
});

describe('isDenied', () => {
  const denied = [
    { group: '', version: 'v1', kind: 'Secret' },
    { group: 'rbac.authorization.k8s.io', version: '', kind: '' },
  ];
  it('matches group exactly and treats an empty version or kind as any', () => {
    expect(isDenied(denied, { group: '', version: 'v1', kind: 'Secret' })).toBe(true);
    expect(isDenied(denied, { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' })).toBe(true);
    expect(isDenied(denied, { group: '', version: 'v1', kind: 'ConfigMap' })).toBe(false);
    expect(isDenied(denied, { group: 'apps', version: 'v1', kind: 'Secret' })).toBe(false);
  });
});

describe('denied_resources makes every tool refuse the kind without calling the API for it', () => {
  const deniedCtx = (kind: string, group = '', version = 'v1') => testContext(fake, { deniedResources: [{ group, version, kind }] });
  const apiCallsFor = (resource: string) => fake.requests.filter((r) => r.path.includes(`/${resource}`));

  it('resources_get on a denied Secret', async () => {
    const r = await call('resources_get', { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' }, deniedCtx('Secret'));
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('resource not allowed: v1, Kind=Secret is listed in denied_resources');
    expect(apiCallsFor('secrets')).toHaveLength(0);
  });

  it('resources_list, resources_delete and resources_scale on a denied group', async () => {
    const ctx = deniedCtx('', 'apps', '');
    for (const [tool, args] of [
      ['resources_list', { apiVersion: 'apps/v1', kind: 'Deployment' }],
      ['resources_delete', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }],
      ['resources_scale', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', scale: 0 }],
    ] as const) {
      const r = await call(tool, args, ctx);
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/apps\/v1, Kind=Deployment is listed in denied_resources/);
    }
    expect(apiCallsFor('deployments')).toHaveLength(0);
  });

  it('the pod tools when Pod is denied', async () => {
    const ctx = deniedCtx('Pod');
    for (const [tool, args] of [
      ['pods_list', {}],
      ['pods_list_in_namespace', { namespace: 'a' }],
      ['pods_get', { name: 'p' }],
      ['pods_delete', { name: 'p' }],
      ['pods_log', { name: 'p' }],
      ['pods_exec', { name: 'p', command: ['ls'] }],
      ['pods_run', { image: 'nginx' }],
      ['pods_top', {}],
    ] as const) {
      const r = await call(tool, args, ctx);
      expect([tool, r.isError]).toEqual([tool, true]);
    }
    expect(apiCallsFor('pods')).toHaveLength(0);
  });

  it('namespaces_list and events_list', async () => {
    expect((await call('namespaces_list', {}, deniedCtx('Namespace'))).isError).toBe(true);
    expect((await call('events_list', {}, deniedCtx('Event'))).isError).toBe(true);
  });

  it('resources_create_or_update writes nothing when any document is denied', async () => {
    const input = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: no}\n';
    const r = await call('resources_create_or_update', { resource: input }, deniedCtx('Secret'));
    expect(r.isError).toBe(true);
    expect(fake.requests.filter((q) => q.method === 'PATCH')).toHaveLength(0);
  });

  it('helm_list when Secrets (its release storage) are denied', async () => {
    expect((await call('helm_list', {}, deniedCtx('Secret'))).isError).toBe(true);
  });
});

describe('Secret values are redacted in every output', () => {
  it('redactSecret keeps keys, replaces values and the last-applied annotation, leaves other kinds alone', () => {
    const s = redactSecret(secret());
    expect(s.data).toEqual({ password: REDACTED, user: REDACTED });
    expect(s.stringData).toEqual({ extra: REDACTED });
    expect(s.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': REDACTED, team: 'a' });
    const cm = { kind: 'ConfigMap', data: { a: 'b' } };
    expect(redactSecret(cm)).toEqual({ kind: 'ConfigMap', data: { a: 'b' } });
  });

  it('resources_get', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/secrets/db', { body: secret() });
    const out = text(await call('resources_get', { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' }, testContext(fake)));
    expect(out).not.toMatch(/c2VjcmV0|YWRtaW4=|plain-secret/);
    expect(parse(out).data).toEqual({ password: REDACTED, user: REDACTED });
  });

  it('resources_list in yaml output (list items carry no kind; it is filled in before redaction)', async () => {
    const { apiVersion: _a, kind: _k, ...item } = secret();
    fake.on('GET', '/api/v1/namespaces/shop/secrets', { body: { kind: 'SecretList', apiVersion: 'v1', items: [item] } });
    const out = text(await call('resources_list', { apiVersion: 'v1', kind: 'Secret', namespace: 'shop' }, testContext(fake, { listOutput: 'yaml' })));
    expect(out).not.toMatch(/c2VjcmV0|YWRtaW4=|plain-secret/);
    expect(out).toContain(REDACTED);
  });

  it('resources_create_or_update echo of an applied Secret', async () => {
    fake.on('PATCH', '/api/v1/namespaces/shop/secrets/db', { body: secret() });
    const out = text(await call('resources_create_or_update', { resource: JSON.stringify(secret()) }, testContext(fake)));
    expect(out).not.toMatch(/c2VjcmV0|YWRtaW4=|plain-secret/);
  });

  it('shows values only when allow_secret_values is on', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/secrets/db', { body: secret() });
    const out = text(
      await call('resources_get', { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' }, testContext(fake, { allowSecretValues: true })),
    );
    expect(parse(out).data.password).toBe('c2VjcmV0');
  });
});
