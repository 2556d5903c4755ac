import { parse } from 'yaml';
import { FIELD_MANAGER } from '../../src/k8s/resources.js';
import { DEFAULT_LIST_LIMIT } from '../../src/tools/output.js';
import { call, testContext, text } from './context.js';
import { serveDiscovery, startFakeApiServer, status, type FakeApiServer } from '../k8s/fake-apiserver.js';

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await startFakeApiServer();
  serveDiscovery(fake);
});
afterEach(() => fake.close());

const podTable = (cont?: string) => ({
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: cont ? { continue: cont, remainingItemCount: 7 } : {},
  columnDefinitions: [
    { name: 'Name', type: 'string', priority: 0 },
    { name: 'Ready', type: 'string', priority: 0 },
    { name: 'Status', type: 'string', priority: 0 },
    { name: 'Node', type: 'string', priority: 1 },
  ],
  rows: [{ cells: ['web-1', '0/1', 'Pending', null], object: { metadata: { name: 'web-1', namespace: 'shop' } } }],
});

const isTableRequest = (accept: string | undefined) => !!accept && accept.startsWith('application/json;as=Table;v=v1;g=meta.k8s.io');

describe('list tools with list_output = table', () => {
  it('pods_list asks the API server for a Table across namespaces and prints kubectl columns', async () => {
    fake.on('GET', '/api/v1/pods', (r) => (isTableRequest(r.headers.accept) ? { body: podTable() } : { status: 406, body: {} }));
    const r = await call('pods_list', {}, testContext(fake));
    expect(r.isError).toBeUndefined();
    expect(text(r)).toBe('NAMESPACE   NAME    READY   STATUS\nshop        web-1   0/1     Pending');
    expect(fake.requests.at(-1)!.query.get('limit')).toBe(String(DEFAULT_LIST_LIMIT)); // never unbounded
  });

  it('pods_list_in_namespace passes selectors and paging, and prints the continue token', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/pods', { body: podTable('tok-2') });
    const target = {};
    const r = await call('pods_list_in_namespace', { namespace: 'shop', labelSelector: 'app=web', fieldSelector: 'status.phase=Pending', limit: 1, continue: 'tok-1' }, testContext(fake), target);
    const q = fake.requests.at(-1)!.query;
    expect(Object.fromEntries(q)).toEqual({ labelSelector: 'app=web', fieldSelector: 'status.phase=Pending', limit: '1', continue: 'tok-1' });
    expect(text(r)).toBe('NAME    READY   STATUS\nweb-1   0/1     Pending\n\nMore results available (7 more items): call again with continue="tok-2"');
    expect(target).toEqual({ kind: 'Pod', namespace: 'shop' });
  });

  it('resources_list resolves the kind through discovery and lists the namespace collection', async () => {
    fake.on('GET', '/apis/apps/v1/namespaces/prod/deployments', {
      body: { kind: 'Table', columnDefinitions: [{ name: 'Name', type: 'string' }, { name: 'Ready', type: 'string' }], rows: [{ cells: ['api', '3/3'], object: { metadata: { namespace: 'prod' } } }] },
    });
    const r = await call('resources_list', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod' }, testContext(fake));
    expect(text(r)).toBe('NAME   READY\napi    3/3');
  });

  it('namespaces_list prints no NAMESPACE column for a cluster-scoped kind', async () => {
    fake.on('GET', '/api/v1/namespaces', { body: { kind: 'Table', columnDefinitions: [{ name: 'Name', type: 'string' }], rows: [{ cells: ['default'], object: { metadata: { name: 'default' } } }] } });
    expect(text(await call('namespaces_list', {}, testContext(fake)))).toBe('NAME\ndefault');
  });

  it('falls back to YAML when the server answers a plain list', async () => {
    fake.on('GET', '/api/v1/namespaces', { body: { kind: 'NamespaceList', items: [{ metadata: { name: 'default' } }] } });
    expect(text(await call('namespaces_list', {}, testContext(fake)))).toContain('kind: Namespace');
  });

  it('rejects a malformed label selector before calling the API', async () => {
    await expect(call('pods_list', { labelSelector: 'app=web;rm -rf' }, testContext(fake))).rejects.toThrow();
    expect(fake.requests).toHaveLength(0);
  });
});

describe('list_output = yaml', () => {
  it('prints the items with apiVersion/kind and without managedFields', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/pods', (r) => ({
      body: r.headers.accept === 'application/json' ? { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'web-1', namespace: 'shop', managedFields: [{ manager: 'x' }] }, spec: {} }] } : {},
    }));
    const r = await call('pods_list_in_namespace', { namespace: 'shop' }, testContext(fake, { listOutput: 'yaml' }));
    const items = parse(text(r));
    expect(items).toEqual([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop' }, spec: {} }]);
  });
});

describe('Kubernetes errors become isError results with the API reason and message', () => {
  it.each([
    [403, 'Forbidden', 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope'],
    [404, 'NotFound', 'namespaces "ghost" not found'],
  ])('%i %s', async (code, reason, message) => {
    fake.on('GET', '/api/v1/pods', status(code, reason, message));
    const r = await call('pods_list', {}, testContext(fake));
    expect(r.isError).toBe(true);
    expect(text(r)).toBe(`${reason}: ${message}`);
  });

  it('409 on apply', async () => {
    fake.on('PATCH', '/api/v1/namespaces/default/configmaps/x', status(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl": .data.k'));
    const r = await call('resources_create_or_update', { resource: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: v}' }, testContext(fake));
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^Conflict: Apply failed/);
  });

  it('an unknown kind names the kind and apiVersion', async () => {
    const r = await call('resources_get', { apiVersion: 'v1', kind: 'Widget', name: 'w' }, testContext(fake));
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/doesn't have a resource type "Widget" in v1/);
  });
});

describe('get, apply, delete, scale', () => {
  it('pods_get defaults to the context namespace and returns YAML', async () => {
    fake.on('GET', '/api/v1/namespaces/team-a/pods/web-1', { body: { metadata: { name: 'web-1', namespace: 'team-a', managedFields: [] }, status: { phase: 'Pending' } } });
    const target = {};
    const r = await call('pods_get', { name: 'web-1' }, testContext(fake, { kubeConfig: fake.kubeConfig('t', 'team-a') }), target);
    expect(parse(text(r))).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'team-a' }, status: { phase: 'Pending' } });
    expect(target).toEqual({ kind: 'Pod', namespace: 'team-a', name: 'web-1' });
  });

  it('resources_create_or_update sends a server-side apply per document with the field manager', async () => {
    fake.on('PATCH', /^\/apis\/apps\/v1\/namespaces\/prod\/deployments\/api$/, (r) => ({ body: { ...JSON.parse(r.body), metadata: { ...JSON.parse(r.body).metadata, uid: 'u1' } } }));
    fake.on('PATCH', '/api/v1/namespaces/default/configmaps/cfg', (r) => ({ body: JSON.parse(r.body) }));
    const yamlText = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: api, namespace: prod}',
      'spec: {replicas: 2}',
      '---',
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "b"}}',
    ].join('\n');
    const r = await call('resources_create_or_update', { resource: yamlText }, testContext(fake));
    expect(r.isError).toBeUndefined();
    const patches = fake.requests.filter((q) => q.method === 'PATCH');
    expect(patches.map((p) => p.path)).toEqual(['/apis/apps/v1/namespaces/prod/deployments/api', '/api/v1/namespaces/default/configmaps/cfg']);
    for (const p of patches) {
      expect(p.headers['content-type']).toBe('application/apply-patch+yaml');
      expect(p.query.get('fieldManager')).toBe(FIELD_MANAGER);
      expect(p.query.get('force')).toBe('true');
    }
    expect(JSON.parse(patches[1].body).metadata.namespace).toBe('default');
    expect(text(r)).toContain('uid: u1');
  });

  it('resources_create_or_update dryRun asks the server for dryRun=All', async () => {
    fake.on('PATCH', '/api/v1/namespaces/default/configmaps/cfg', (r) => ({ body: JSON.parse(r.body) }));
    const r = await call('resources_create_or_update', { resource: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}', dryRun: true }, testContext(fake));
    expect(fake.requests.at(-1)!.query.get('dryRun')).toBe('All');
    expect(text(r)).toMatch(/^# Dry run/);
  });

  it('resources_create_or_update explains invalid input', async () => {
    const bad = await call('resources_create_or_update', { resource: 'kind: ConfigMap\nmetadata: {name: x}' }, testContext(fake));
    expect(bad.isError).toBe(true);
    expect(text(bad)).toBe('resource: object 1 lacks apiVersion');
    const noName = await call('resources_create_or_update', { resource: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: x-}' }, testContext(fake));
    expect(text(noName)).toMatch(/lacks metadata.name/);
    const broken = await call('resources_create_or_update', { resource: 'a: [' }, testContext(fake));
    expect(text(broken)).toMatch(/document 1 is not valid YAML/);
  });

  it('resources_delete ignores the namespace for a cluster-scoped kind', async () => {
    fake.on('DELETE', '/api/v1/namespaces/old', { body: { kind: 'Namespace', metadata: { name: 'old' } } });
    const r = await call('resources_delete', { apiVersion: 'v1', kind: 'Namespace', name: 'old', namespace: 'x' }, testContext(fake));
    expect(text(r)).toBe('Namespace old deleted');
    expect(JSON.parse(fake.requests.at(-1)!.body)).toMatchObject({ propagationPolicy: 'Background' });
  });

  it('resources_scale patches the scale subresource, or reads it without scale', async () => {
    fake.on('PATCH', '/apis/apps/v1/namespaces/prod/deployments/api/scale', (r) => ({ body: { kind: 'Scale', spec: JSON.parse(r.body).spec } }));
    fake.on('GET', '/apis/apps/v1/namespaces/prod/deployments/api/scale', { body: { kind: 'Scale', spec: { replicas: 2 } } });
    const set = await call('resources_scale', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'api', scale: 5 }, testContext(fake));
    expect(parse(text(set))).toEqual({ kind: 'Scale', spec: { replicas: 5 } });
    expect(fake.requests.at(-1)!.headers['content-type']).toBe('application/merge-patch+json');
    const get = await call('resources_scale', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'api' }, testContext(fake));
    expect(parse(text(get)).spec.replicas).toBe(2);
  });

  it('pods_delete deletes in the given namespace', async () => {
    fake.on('DELETE', '/api/v1/namespaces/shop/pods/web-1', { body: { kind: 'Pod' } });
    expect(text(await call('pods_delete', { namespace: 'shop', name: 'web-1' }, testContext(fake)))).toBe('Pod shop/web-1 deleted');
  });

  it('pods_run applies a Pod and, with a port, a Service selecting it', async () => {
    fake.on('PATCH', /^\/api\/v1\/namespaces\/default\/(pods|services)\/demo$/, (r) => ({ body: JSON.parse(r.body) }));
    const r = await call('pods_run', { image: 'nginx:1.27', name: 'demo', port: 8080 }, testContext(fake));
    const [pod, svc] = parse(text(r).split('\n').slice(1).join('\n'));
    expect(pod.spec.containers[0]).toMatchObject({ image: 'nginx:1.27', ports: [{ containerPort: 8080 }] });
    expect(svc.spec.selector).toEqual(pod.metadata.labels);
  });

  it('pods_log passes container, tailLines and previous', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/pods/web-1/log', { body: 'line1\nline2\n', contentType: 'text/plain' });
    const r = await call('pods_log', { namespace: 'shop', name: 'web-1', container: 'app', tail: 10, previous: true }, testContext(fake));
    expect(text(r)).toBe('line1\nline2\n');
    expect(Object.fromEntries(fake.requests.at(-1)!.query)).toEqual({ container: 'app', previous: 'true', tailLines: '10' });
  });
});

describe('pods_exec', () => {
  const chan = (n: number, text: string) => Buffer.concat([Buffer.from([n]), Buffer.from(text)]);

  it('runs the command in the first container over the channel protocol and returns stdout and stderr', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/pods/web-1', { body: { spec: { containers: [{ name: 'app' }, { name: 'sidecar' }] }, status: { phase: 'Running' } } });
    fake.onUpgrade(/\/pods\/web-1\/exec$/, () => [chan(1, 'total 0\n'), chan(2, 'warning\n'), chan(3, JSON.stringify({ status: 'Success' }))]);
    const r = await call('pods_exec', { namespace: 'shop', name: 'web-1', command: ['ls', '-l', '/tmp'] }, testContext(fake));
    expect(r.isError).toBeUndefined();
    expect(text(r)).toBe('total 0\nwarning\n');
    const up = fake.requests.find((q) => q.method === 'UPGRADE')!;
    expect(up.query.get('container')).toBe('app');
    expect(up.query.getAll('command')).toEqual(['ls', '-l', '/tmp']);
    expect(up.headers.authorization).toBe('Bearer token-alice');
  });

  it('reports a non-zero exit as isError with the status message', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/pods/web-1', { body: { spec: { containers: [{ name: 'app' }] }, status: { phase: 'Running' } } });
    fake.onUpgrade(/\/exec$/, () => [chan(2, 'ls: /nope: No such file\n'), chan(3, JSON.stringify({ status: 'Failure', message: 'command terminated with non-zero exit code: exit status 1' }))]);
    const r = await call('pods_exec', { namespace: 'shop', name: 'web-1', command: ['ls', '/nope'], container: 'app' }, testContext(fake));
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('command terminated with non-zero exit code: exit status 1\nls: /nope: No such file');
  });

  it('refuses a Pod that is not Running, naming its phase', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/pods/web-1', { body: { spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending' } } });
    const r = await call('pods_exec', { namespace: 'shop', name: 'web-1', command: ['ls'] }, testContext(fake));
    expect(text(r)).toBe('cannot exec in pod shop/web-1: its phase is Pending; exec needs a running container');
    expect(fake.requests.some((q) => q.method === 'UPGRADE')).toBe(false);
  });
});
