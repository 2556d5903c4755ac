import { parse } from 'yaml';
import { FIELD_MANAGER, FIELD_MANAGER_MAX, fieldManagerFor } from '../../src/k8s/resource-client.js';
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
    expect(fake.requests.at(-1)!.query.has('includeObject')).toBe(false); // the NAMESPACE column reads the rows' metadata
  });

  it('pods_list_in_namespace passes selectors and paging, and prints the continue token', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/pods', { body: podTable('tok-2') });
    const target = {};
    const r = await call(
      'pods_list_in_namespace',
      { namespace: 'shop', labelSelector: 'app=web', fieldSelector: 'status.phase=Pending', limit: 1, continue: 'tok-1' },
      testContext(fake),
      target,
    );
    const q = fake.requests.at(-1)!.query;
    // No NAMESPACE column: the rows' object metadata is not asked for (includeObject=None).
    expect(Object.fromEntries(q)).toEqual({
      labelSelector: 'app=web',
      fieldSelector: 'status.phase=Pending',
      limit: '1',
      continue: 'tok-1',
      includeObject: 'None',
    });
    expect(text(r)).toBe('NAME    READY   STATUS\nweb-1   0/1     Pending\n\nMore results available (7 more items): call again with continue="tok-2"');
    expect(target).toEqual({ kind: 'Pod', namespace: 'shop' });
  });

  it('resources_list resolves the kind through discovery and lists the namespace collection', async () => {
    fake.on('GET', '/apis/apps/v1/namespaces/prod/deployments', {
      body: {
        kind: 'Table',
        columnDefinitions: [
          { name: 'Name', type: 'string' },
          { name: 'Ready', type: 'string' },
        ],
        rows: [{ cells: ['api', '3/3'], object: { metadata: { namespace: 'prod' } } }],
      },
    });
    const r = await call('resources_list', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod' }, testContext(fake));
    expect(text(r)).toBe('NAME   READY\napi    3/3');
  });

  it('namespaces_list prints no NAMESPACE column for a cluster-scoped kind', async () => {
    fake.on('GET', '/api/v1/namespaces', {
      body: { kind: 'Table', columnDefinitions: [{ name: 'Name', type: 'string' }], rows: [{ cells: ['default'], object: { metadata: { name: 'default' } } }] },
    });
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
      body:
        r.headers.accept === 'application/json'
          ? {
              kind: 'PodList',
              apiVersion: 'v1',
              metadata: {},
              items: [{ metadata: { name: 'web-1', namespace: 'shop', managedFields: [{ manager: 'x' }] }, spec: {} }],
            }
          : {},
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

  it('409 on apply: the conflict (reason and message) is returned, nothing forced, with the force hint', async () => {
    fake.on('PATCH', '/api/v1/namespaces/default/configmaps/x', status(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl": .data.k'));
    const r = await call('resources_create_or_update', { resource: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: v}' }, testContext(fake));
    expect(r.isError).toBe(true);
    expect(text(r)).toBe(
      'Conflict: Apply failed with 1 conflict: conflict with "kubectl": .data.k\n(ConfigMap x: nothing was changed; set force: true to take over the conflicting fields)',
    );
    expect(fake.requests.at(-1)!.query.get('force')).toBeNull();
  });

  it('an unknown kind names the kind and apiVersion', async () => {
    const r = await call('resources_get', { apiVersion: 'v1', kind: 'Widget', name: 'w' }, testContext(fake));
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/doesn't have a resource type "Widget" in v1/);
  });
});

describe('get, apply, delete, scale', () => {
  it('pods_get defaults to the context namespace and returns YAML', async () => {
    fake.on('GET', '/api/v1/namespaces/team-a/pods/web-1', {
      body: { metadata: { name: 'web-1', namespace: 'team-a', managedFields: [] }, status: { phase: 'Pending' } },
    });
    const target = {};
    const r = await call('pods_get', { name: 'web-1' }, testContext(fake, { kubeConfig: fake.kubeConfig('t', 'team-a') }), target);
    expect(parse(text(r))).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'team-a' }, status: { phase: 'Pending' } });
    expect(target).toEqual({ kind: 'Pod', namespace: 'team-a', name: 'web-1' });
  });

  it('resources_create_or_update sends a server-side apply per document with the field manager', async () => {
    fake.on('PATCH', /^\/apis\/apps\/v1\/namespaces\/prod\/deployments\/api$/, (r) => ({
      body: { ...JSON.parse(r.body), metadata: { ...JSON.parse(r.body).metadata, uid: 'u1' } },
    }));
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
      expect(p.query.get('fieldManager')).toBe('kube-mcp-server:alice');
      expect(p.query.has('force')).toBe(false);
    }
    expect(JSON.parse(patches[1].body).metadata.namespace).toBe('default');
    expect(text(r)).toContain('uid: u1');
  });

  it('resources_create_or_update sends force=true only when the caller opts in', async () => {
    fake.on('PATCH', '/api/v1/namespaces/default/configmaps/cfg', (r) => ({ body: JSON.parse(r.body) }));
    const r = await call('resources_create_or_update', { resource: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}', force: true }, testContext(fake));
    expect(r.isError).toBeUndefined();
    expect(fake.requests.at(-1)!.query.get('force')).toBe('true');
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

  it('pods_run creates (POST) a Pod and, with a port, a Service selecting it, under the per-user field manager', async () => {
    fake.on('POST', /^\/api\/v1\/namespaces\/default\/(pods|services)$/, (r) => ({ status: 201, body: JSON.parse(r.body) }));
    const r = await call('pods_run', { image: 'nginx:1.27', name: 'demo', port: 8080 }, testContext(fake));
    expect(r.isError).toBeUndefined();
    const posts = fake.requests.filter((q) => q.method === 'POST');
    expect(posts.map((p) => p.path)).toEqual(['/api/v1/namespaces/default/pods', '/api/v1/namespaces/default/services']);
    for (const p of posts) expect(p.query.get('fieldManager')).toBe('kube-mcp-server:alice');
    expect(fake.requests.some((q) => q.method === 'PATCH')).toBe(false);
    const [pod, svc] = parse(text(r).split('\n').slice(1).join('\n'));
    expect(pod.spec.containers[0]).toMatchObject({ image: 'nginx:1.27', ports: [{ containerPort: 8080 }] });
    expect(svc.spec.selector).toEqual(pod.metadata.labels);
  });

  it('pods_run of an existing name fails with AlreadyExists instead of changing the Pod', async () => {
    fake.on('POST', '/api/v1/namespaces/default/pods', status(409, 'AlreadyExists', 'pods "demo" already exists'));
    const r = await call('pods_run', { image: 'busybox', name: 'demo' }, testContext(fake));
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('AlreadyExists: pods "demo" already exists');
    expect(fake.requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`)).toEqual(['POST /api/v1/namespaces/default/pods']);
  });

  it('pods_run says the Pod was created when only its Service fails', async () => {
    fake.on('POST', '/api/v1/namespaces/default/pods', (r) => ({ status: 201, body: JSON.parse(r.body) }));
    fake.on('POST', '/api/v1/namespaces/default/services', status(409, 'AlreadyExists', 'services "demo" already exists'));
    const r = await call('pods_run', { image: 'busybox', name: 'demo', port: 80 }, testContext(fake));
    expect(text(r)).toBe('Pod default/demo was created, but its Service was not: AlreadyExists: services "demo" already exists');
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
    fake.on('GET', '/api/v1/namespaces/shop/pods/web-1', {
      body: { spec: { containers: [{ name: 'app' }, { name: 'sidecar' }] }, status: { phase: 'Running' } },
    });
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
    fake.onUpgrade(/\/exec$/, () => [
      chan(2, 'ls: /nope: No such file\n'),
      chan(3, JSON.stringify({ status: 'Failure', message: 'command terminated with non-zero exit code: exit status 1' })),
    ]);
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

describe('fieldManagerFor', () => {
  it('names the user: preferred_username, else sub, else the bare server manager', () => {
    expect(fieldManagerFor({ preferredUsername: 'alice', sub: 'u-1' })).toBe('kube-mcp-server:alice');
    expect(fieldManagerFor({ sub: 'u-1' })).toBe('kube-mcp-server:u-1');
    expect(fieldManagerFor({})).toBe(FIELD_MANAGER);
  });

  it('cuts to the 128-character limit and replaces non-printable characters', () => {
    const m = fieldManagerFor({ preferredUsername: 'x'.repeat(300) });
    expect(m).toHaveLength(FIELD_MANAGER_MAX);
    expect(m.startsWith('kube-mcp-server:xxx')).toBe(true);
    expect(fieldManagerFor({ preferredUsername: 'a\nb\u0000c' })).toBe('kube-mcp-server:a_b_c');
  });
});

describe('names that would change the request path are refused before any request', () => {
  const dotNames = ['.', '..', 'a/b', '../secrets', '%2e%2e', ''];

  it.each(dotNames)('resources_get / resources_delete / resources_scale refuse name %j', async (name) => {
    for (const [tool, extra] of [
      ['resources_get', {}],
      ['resources_delete', {}],
      ['resources_scale', { scale: 1 }],
    ] as const) {
      await expect(call(tool, { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a', name, ...extra }, testContext(fake))).rejects.toThrow(
        /must be a Kubernetes object name/,
      );
    }
    expect(fake.requests).toHaveLength(0);
  });

  it.each(['..', '.', 'Team-A', '-a', 'a/b'])('namespace %j is refused by every namespace argument', async (namespace) => {
    await expect(call('resources_list', { apiVersion: 'v1', kind: 'ConfigMap', namespace }, testContext(fake))).rejects.toThrow(/DNS-1123 label/);
    await expect(call('pods_list_in_namespace', { namespace }, testContext(fake))).rejects.toThrow(/DNS-1123 label/);
    await expect(call('pods_get', { namespace, name: 'web-1' }, testContext(fake))).rejects.toThrow(/DNS-1123 label/);
    await expect(call('events_list', { namespace }, testContext(fake))).rejects.toThrow(/DNS-1123 label/);
  });

  it('an empty optional namespace still means the current namespace', async () => {
    fake.on('GET', '/api/v1/namespaces/default/pods/web-1', { body: { metadata: { name: 'web-1' } } });
    const r = await call('pods_get', { namespace: '', name: 'web-1' }, testContext(fake));
    expect(r.isError).toBeUndefined();
  });

  it('Pod names are DNS-1123 subdomains; a ClusterRole name with ":" still passes the generic tools', async () => {
    await expect(call('pods_get', { name: '..' }, testContext(fake))).rejects.toThrow(/DNS-1123 subdomain/);
    await expect(call('pods_log', { name: 'Web' }, testContext(fake))).rejects.toThrow(/DNS-1123 subdomain/);
    await expect(call('pods_run', { image: 'x', name: 'a.b' }, testContext(fake))).rejects.toThrow(/DNS-1123 label/);
    fake.on('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Aaggregate-to-admin', {
      body: { metadata: { name: 'system:aggregate-to-admin' } },
    });
    serveDiscovery(fake, [
      { name: 'rbac.authorization.k8s.io', version: 'v1', resources: [{ name: 'clusterroles', kind: 'ClusterRole', namespaced: false, verbs: ['get'] }] },
    ]);
    const r = await call(
      'resources_get',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'system:aggregate-to-admin' },
      testContext(fake),
    );
    expect(text(r)).toContain('name: system:aggregate-to-admin');
  });

  it('resources_create_or_update refuses a manifest named ".." or with a bad namespace, before any write', async () => {
    const dots = await call(
      'resources_create_or_update',
      { resource: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "..", namespace: team-a}' },
      testContext(fake),
    );
    expect(dots.isError).toBe(true);
    expect(text(dots)).toBe(
      'resource: object 1 (ConfigMap) metadata.name ".." must be a Kubernetes object name: not empty, not "." or "..", and without "/" or "%"',
    );
    const ns = await call(
      'resources_create_or_update',
      { resource: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: ".."}' },
      testContext(fake),
    );
    expect(text(ns)).toMatch(/^resource: object 1 \(ConfigMap\) metadata.namespace "\.\." must be a DNS-1123 label/);
    expect(fake.requests.filter((q) => q.method !== 'GET')).toHaveLength(0);
  });
});
