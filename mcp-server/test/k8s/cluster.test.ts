import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultNamespace, kubeConfigForServiceAccount, kubeConfigForToken, kubeConfigFromFile, loadClusterTarget } from '../../src/k8s/cluster.js';
import { kubeRequest } from '../../src/k8s/request.js';
import { clientNode, fullKubeConfig, preloadClientNode } from '../../src/k8s/kube-config.js';
import { startFakeApiServer } from './fake-apiserver.js';

// As startServer does for the kubeconfig strategy: client-node imported as a module (in jest's module
// registry, so it sees the tests' process.env and error classes).
beforeAll(() => preloadClientNode());

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

function saDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sa-'));
  writeFileSync(join(dir, 'ca.crt'), CA_PEM);
  writeFileSync(join(dir, 'namespace'), 'mcp\n');
  writeFileSync(join(dir, 'token'), 'pod-sa-token');
  return dir;
}

function kubeconfigFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kc-'));
  writeFileSync(join(dir, 'ca.crt'), CA_PEM);
  const file = join(dir, 'config');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'prod',
          cluster: { server: 'https://api.prod.example:6443/', 'certificate-authority': join(dir, 'ca.crt'), 'tls-server-name': 'api.internal' },
        },
        { name: 'dev', cluster: { server: 'https://dev.example:6443', 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'admin', user: { token: 'kubeconfig-user-token', 'client-key-data': 'S0VZ' } }],
      contexts: [
        { name: 'prod-admin', context: { cluster: 'prod', user: 'admin', namespace: 'team-a' } },
        { name: 'dev-admin', context: { cluster: 'dev', user: 'admin' } },
      ],
      'current-context': 'prod-admin',
    }),
  );
  return file;
}

describe('loadClusterTarget in-cluster', () => {
  it('reads the API address from the service env and the CA and namespace from the service-account mount', () => {
    const t = loadClusterTarget({
      strategy: 'in-cluster',
      serviceAccountDir: saDir(),
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
    });
    expect(t).toEqual({
      name: 'in-cluster',
      server: 'https://10.0.0.1:443',
      caData: Buffer.from(CA_PEM).toString('base64'),
      skipTLSVerify: false,
      namespace: 'mcp',
    });
    expect(JSON.stringify(t)).not.toContain('pod-sa-token');
  });

  it('brackets an IPv6 service host', () => {
    const t = loadClusterTarget({
      strategy: 'in-cluster',
      serviceAccountDir: saDir(),
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
    });
    expect(t.server).toBe('https://[fd00::1]:443');
  });

  it('names the missing variables and the fix outside a pod', () => {
    expect(() => loadClusterTarget({ strategy: 'in-cluster', env: {} })).toThrow(/KUBERNETES_SERVICE_HOST.*cluster_provider_strategy = "kubeconfig"/);
  });

  it('names the CA file when the service-account mount is missing', () => {
    expect(() =>
      loadClusterTarget({ strategy: 'in-cluster', serviceAccountDir: '/nonexistent', env: { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' } }),
    ).toThrow(/\/nonexistent\/ca.crt/);
  });
});

describe('loadClusterTarget kubeconfig', () => {
  it('takes the current context cluster, inlines a CA file and drops the user', () => {
    const t = loadClusterTarget({ strategy: 'kubeconfig', kubeconfig: kubeconfigFile() });
    expect(t).toMatchObject({
      name: 'prod',
      server: 'https://api.prod.example:6443',
      tlsServerName: 'api.internal',
      skipTLSVerify: false,
      namespace: 'team-a',
    });
    expect(Buffer.from(t.caData!, 'base64').toString()).toBe(CA_PEM);
    expect(JSON.stringify(t)).not.toMatch(/kubeconfig-user-token|S0VZ/);
  });

  it('selects a named context', () => {
    const t = loadClusterTarget({ strategy: 'kubeconfig', kubeconfig: kubeconfigFile(), context: 'dev-admin' });
    expect(t).toMatchObject({ name: 'dev', skipTLSVerify: true, namespace: 'default' });
  });

  it('rejects an unknown context, listing the known ones', () => {
    expect(() => loadClusterTarget({ strategy: 'kubeconfig', kubeconfig: kubeconfigFile(), context: 'nope' })).toThrow(
      /"nope" not found; known: prod-admin, dev-admin/,
    );
  });
});

describe('a kubeconfig that cannot be loaded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kc-bad-'));
  const missing = join(dir, 'missing-config');
  const malformed = join(dir, 'malformed-config');
  writeFileSync(malformed, 'apiVersion: v1\nclusters:\n  - name: a\n   cluster: {server: x\n');

  it.each([
    ['missing', missing, /^kubeconfig = ".*missing-config": no such file; set the kubeconfig key to a readable, valid kubeconfig file$/],
    ['malformed', malformed, /^kubeconfig = ".*malformed-config": not valid YAML \(bad indentation .*\(\d+:\d+\)\); set the kubeconfig key/],
    ['a directory', dir, /^kubeconfig = ".*kc-bad-\w+": is a directory, not a file/],
  ])('%s: names the kubeconfig key and the path, for the target and the as-is client', (_what, path, message) => {
    expect(() => loadClusterTarget({ strategy: 'kubeconfig', kubeconfig: path })).toThrow(message);
    expect(() => kubeConfigFromFile(path)).toThrow(message);
  });

  it('names $KUBECONFIG when the key is unset and the variable points at a bad file', () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = malformed;
    try {
      expect(() => kubeConfigFromFile()).toThrow(`kubeconfig (unset; $KUBECONFIG = "${malformed}"): not valid YAML`);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it("names the cluster's certificate-authority file when it is missing", () => {
    const file = join(dir, 'ca-missing-config');
    writeFileSync(
      file,
      stringify({
        clusters: [{ name: 'c', cluster: { server: 'https://x:6443', 'certificate-authority': join(dir, 'nope.crt') } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'ctx',
      }),
    );
    expect(() => loadClusterTarget({ strategy: 'kubeconfig', kubeconfig: file })).toThrow(
      `cluster "c" certificate-authority "${join(dir, 'nope.crt')}" cannot be read (ENOENT)`,
    );
  });
});

describe('kubeConfigForToken', () => {
  it('carries the target cluster and only the given bearer token', () => {
    const t = loadClusterTarget({ strategy: 'kubeconfig', kubeconfig: kubeconfigFile() });
    const kc = kubeConfigForToken(t, 'exchanged-token');
    expect(kc.getCurrentCluster()).toMatchObject({ server: t.server, caData: t.caData, tlsServerName: 'api.internal' });
    const user = kc.getCurrentUser()!;
    expect(user.token).toBe('exchanged-token');
    expect(user.keyData).toBeUndefined();
    expect(user.certData).toBeUndefined();
    expect(user.exec).toBeUndefined();
    expect(user.authProvider).toBeUndefined();
    expect(defaultNamespace(kc)).toBe('team-a');
  });

  it('answers like the client-node KubeConfig built from the same options (exportConfig and HTTPS options too)', async () => {
    const t = loadClusterTarget({
      strategy: 'in-cluster',
      serviceAccountDir: saDir(),
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
    });
    const kc = kubeConfigForToken(t, 'exchanged-token');
    const real = new (clientNode().KubeConfig)();
    real.loadFromOptions({
      clusters: [{ name: t.name, server: t.server, caData: t.caData, skipTLSVerify: t.skipTLSVerify }],
      users: [{ name: 'mcp-caller', token: 'exchanged-token' }],
      contexts: [{ name: 'mcp', cluster: t.name, user: 'mcp-caller', namespace: t.namespace }],
      currentContext: 'mcp',
    });
    expect(kc.getCurrentContext()).toBe(real.getCurrentContext());
    expect(kc.getContextObject('mcp')).toEqual(real.getContextObject('mcp'));
    expect(kc.getContextObject('other')).toBeNull();
    expect(kc.getCurrentCluster()).toEqual(real.getCurrentCluster());
    expect(kc.getCurrentUser()).toEqual(real.getCurrentUser());
    expect(JSON.parse(kc.exportConfig())).toEqual(JSON.parse(real.exportConfig()));
    const [mine, theirs] = [{ headers: {} }, { headers: {} }] as { headers: Record<string, string>; ca?: Buffer }[];
    await kc.applyToHTTPSOptions(mine!);
    await real.applyToHTTPSOptions(theirs!);
    expect(mine!.headers).toEqual({ Authorization: 'Bearer exchanged-token' });
    expect(mine!.headers).toEqual(theirs!.headers);
    expect(mine!.ca?.toString()).toBe(theirs!.ca?.toString());
    expect(typeof fullKubeConfig(kc).makeApiClient).toBe('function');
  });

  it('refuses an empty token instead of falling back to another credential', () => {
    expect(() => kubeConfigForToken({ name: 'c', server: 'https://x', skipTLSVerify: false, namespace: 'default' }, '')).toThrow(/empty bearer token/);
  });

  it('sends exactly "Authorization: Bearer <token>" to the API server', async () => {
    const fake = await startFakeApiServer();
    try {
      fake.on('GET', '/api', { body: { versions: ['v1'] } });
      await kubeRequest(fake.kubeConfig('user-token-1'), { path: '/api' });
      expect(fake.requests[0].headers.authorization).toBe('Bearer user-token-1');
    } finally {
      await fake.close();
    }
  });
});

describe('kubeConfigFromFile and kubeConfigForServiceAccount', () => {
  it('keeps the kubeconfig user for require_oauth off', () => {
    const kc = kubeConfigFromFile(kubeconfigFile(), 'dev-admin');
    expect(kc.getCurrentContext()).toBe('dev-admin');
    expect(kc.getCurrentUser()?.token).toBe('kubeconfig-user-token');
  });

  it('uses the pod token file only when asked for the service account', () => {
    const dir = saDir();
    const t = loadClusterTarget({ strategy: 'in-cluster', serviceAccountDir: dir, env: { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443' } });
    expect(kubeConfigForServiceAccount(t, dir).getCurrentUser()?.token).toBe('pod-sa-token');
  });
});
