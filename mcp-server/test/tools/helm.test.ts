import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeRelease, latestReleases } from '../../src/tools/helm/releases.js';
import { findHelm, runHelm } from '../../src/tools/helm/helm-cli.js';
import { call, testContext, text } from './context.js';
import { startFakeApiServer, type FakeApiServer } from '../k8s/fake-apiserver.js';

/** A release Secret as Helm 3 writes it: data.release = base64(base64(gzip(JSON))). */
function releaseSecret(name: string, namespace: string, version: number, status: string, extra: object = {}) {
  const json = JSON.stringify({
    name,
    namespace,
    version,
    info: { status, last_deployed: '2026-11-29T10:00:00Z' },
    chart: { metadata: { name: 'nginx', version: '15.0.0', appVersion: '1.27.0' } },
    config: { adminPassword: 'values-secret' },
    manifest: 'kind: Secret\ndata: {password: bWFuaWZlc3Qtc2VjcmV0}',
    ...extra,
  });
  const helmPayload = gzipSync(Buffer.from(json)).toString('base64');
  return {
    metadata: { name: `sh.helm.release.v1.${name}.v${version}`, namespace, labels: { owner: 'helm', name, version: String(version) } },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(helmPayload).toString('base64') },
  };
}

describe('decodeRelease', () => {
  it('decodes base64 → base64 → gzip → JSON and keeps only summary fields', () => {
    const s = releaseSecret('web', 'shop', 3, 'deployed');
    const r = decodeRelease(s.data.release);
    expect(r).toEqual({
      name: 'web',
      namespace: 'shop',
      revision: 3,
      status: 'deployed',
      chart: 'nginx-15.0.0',
      appVersion: '1.27.0',
      updated: '2026-11-29T10:00:00Z',
    });
    expect(JSON.stringify(r)).not.toMatch(/values-secret|manifest-secret|bWFuaWZlc3Qtc2VjcmV0/);
  });

  it('throws on a payload that is not a release', () => {
    expect(() => decodeRelease(Buffer.from('bm90LWpzb24=').toString('base64'))).toThrow();
  });
});

describe('latestReleases', () => {
  it('keeps the highest revision per release and hides superseded/uninstalled unless all', () => {
    const secrets = [
      releaseSecret('web', 'shop', 1, 'superseded'),
      releaseSecret('web', 'shop', 2, 'deployed'),
      releaseSecret('old', 'shop', 1, 'uninstalled'),
      releaseSecret('db', 'data', 1, 'failed'),
      { metadata: { name: 'other' }, type: 'Opaque', data: { release: 'x' } },
    ].map((s) => ({ ...s, kind: 'Secret' }));
    expect(latestReleases(secrets).map((r) => `${r.namespace}/${r.name}@${r.revision}:${r.status}`)).toEqual(['data/db@1:failed', 'shop/web@2:deployed']);
    expect(latestReleases(secrets, true)).toHaveLength(3);
  });
});

describe('helm tools', () => {
  let fake: FakeApiServer;
  beforeEach(async () => {
    fake = await startFakeApiServer();
  });
  afterEach(() => fake.close());

  it('helm_list reads release Secrets by label and type and prints a table without values', async () => {
    fake.on('GET', '/api/v1/namespaces/shop/secrets', {
      body: { kind: 'SecretList', items: [releaseSecret('web', 'shop', 1, 'superseded'), releaseSecret('web', 'shop', 2, 'deployed')] },
    });
    const r = await call('helm_list', { namespace: 'shop' }, testContext(fake));
    expect(Object.fromEntries(fake.requests[0].query)).toEqual({ labelSelector: 'owner=helm', fieldSelector: 'type=helm.sh/release.v1' });
    expect(text(r)).toBe(
      'NAME   NAMESPACE   REVISION   UPDATED                STATUS     CHART          APP VERSION\nweb    shop        2          2026-11-29T10:00:00Z   deployed   nginx-15.0.0   1.27.0',
    );
  });

  it('helm_list across all namespaces hits the cluster-wide collection', async () => {
    fake.on('GET', '/api/v1/secrets', { body: { kind: 'SecretList', items: [] } });
    expect(text(await call('helm_list', { all_namespaces: true }, testContext(fake)))).toBe('No Helm releases found');
  });

  it('helm_install and helm_uninstall give a clear tool error when no helm binary exists', async () => {
    const saved = { PATH: process.env.PATH, HELM_BIN: process.env.HELM_BIN };
    process.env.PATH = '/nonexistent';
    delete process.env.HELM_BIN;
    try {
      expect(findHelm()).toBeUndefined();
      for (const [tool, args] of [
        ['helm_install', { chart: 'bitnami/nginx' }],
        ['helm_uninstall', { name: 'web' }],
      ] as const) {
        const r = await call(tool, args, testContext(fake));
        expect(r.isError).toBe(true);
        expect(text(r)).toMatch(/^helm is not available on this server: install the helm binary/);
      }
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.HELM_BIN) process.env.HELM_BIN = saved.HELM_BIN;
    }
  });
});

describe('helm_install with a helm binary', () => {
  /** A stand-in `helm` that records its argv, environment and values file, then answers like `helm install -o json`. */
  function fakeHelm(): { bin: string; record: string } {
    const dir = mkdtempSync(join(tmpdir(), 'fake-helm-'));
    const record = join(dir, 'record.json');
    const bin = join(dir, 'helm');
    writeFileSync(
      bin,
      `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
const vi = args.indexOf('--values');
const pos = args.slice(args.indexOf('--') + 1);
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, cwd: process.cwd(), cwdFiles: fs.readdirSync(process.cwd()), env: process.env, values: vi >= 0 ? fs.readFileSync(args[vi + 1], 'utf8') : null, ca: process.env.HELM_KUBECAFILE ? fs.readFileSync(process.env.HELM_KUBECAFILE, 'utf8') : null, kubeconfig: fs.readFileSync(process.env.KUBECONFIG, 'utf8') }));
process.stdout.write(JSON.stringify({ name: pos.length > 1 ? pos[0] : 'generated-1', namespace: 'shop', version: 1, info: { status: 'deployed' }, chart: { metadata: { name: 'nginx', version: '15.0.0' } } }));
`,
    );
    chmodSync(bin, 0o755);
    return { bin, record };
  }

  it("passes the caller's token in HELM_KUBETOKEN only, never on argv nor via the pod's service account", async () => {
    const { bin, record } = fakeHelm();
    const saved = { HELM_BIN: process.env.HELM_BIN, KSH: process.env.KUBERNETES_SERVICE_HOST };
    process.env.HELM_BIN = bin;
    process.env.KUBERNETES_SERVICE_HOST = '10.0.0.1';
    const fake = await startFakeApiServer();
    try {
      const kc = fake.kubeConfig('caller-exchanged-token', 'shop');
      const r = await call('helm_install', { chart: 'bitnami/nginx', name: 'web', values: { replicaCount: 2 } }, testContext(fake, { kubeConfig: kc }));
      expect(text(r)).toBe('Helm release shop/web installed: revision 1, status deployed, chart nginx-15.0.0');
      const rec = JSON.parse(readFileSync(record, 'utf8'));
      expect(rec.args).toEqual([
        'install',
        '--namespace',
        'shop',
        '--output',
        'json',
        '--values',
        expect.stringMatching(/values\.yaml$/),
        '--',
        'web',
        'bitnami/nginx',
      ]);
      expect(rec.cwdFiles).toEqual([]); // a relative chart path can name nothing
      expect(JSON.stringify(rec.args)).not.toContain('caller-exchanged-token');
      expect(rec.env.HELM_KUBETOKEN).toBe('caller-exchanged-token');
      expect(rec.env.HELM_KUBEAPISERVER).toBe(fake.url);
      expect(rec.env.HELM_KUBEINSECURE_SKIP_TLS_VERIFY).toBe('true');
      expect(rec.env.KUBERNETES_SERVICE_HOST).toBeUndefined();
      expect(rec.kubeconfig).toBe('apiVersion: v1\nkind: Config\n'); // no user to fall back to
      expect(rec.values).toBe('replicaCount: 2\n');
    } finally {
      await fake.close();
      if (saved.HELM_BIN === undefined) delete process.env.HELM_BIN;
      else process.env.HELM_BIN = saved.HELM_BIN;
      if (saved.KSH === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = saved.KSH;
    }
  });

  it('writes the cluster CA to a file for HELM_KUBECAFILE', async () => {
    const { bin, record } = fakeHelm();
    const saved = process.env.HELM_BIN;
    process.env.HELM_BIN = bin;
    const fake = await startFakeApiServer();
    try {
      const { kubeConfigForToken } = await import('../../src/k8s/cluster.js');
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      const kc = kubeConfigForToken(
        { name: 'c', server: 'https://api.example:6443', caData: Buffer.from(pem).toString('base64'), skipTLSVerify: false, namespace: 'shop' },
        't',
      );
      await call('helm_uninstall', { name: 'web' }, testContext(fake, { kubeConfig: kc }));
      const rec = JSON.parse(readFileSync(record, 'utf8'));
      expect(rec.args).toEqual(['uninstall', '--namespace', 'shop', '--', 'web']);
      expect(rec.ca).toBe(pem);
      expect(rec.env.HELM_KUBEINSECURE_SKIP_TLS_VERIFY).toBeUndefined();
    } finally {
      await fake.close();
      if (saved === undefined) delete process.env.HELM_BIN;
      else process.env.HELM_BIN = saved;
    }
  });
});

describe('helm argument safety', () => {
  let fake: FakeApiServer;
  beforeEach(async () => {
    fake = await startFakeApiServer();
  });
  afterEach(() => fake.close());

  it.each([
    ['/etc/passwd'],
    ['./chart'],
    ['../charts/x'],
    ['chart'],
    ['file:///etc/x.tgz'],
    ['https://example.com/x-1.0.0.tgz'],
    ['http://10.0.0.1/x.tgz'],
    ['--set=a=b'],
    ['-f'],
    ['@file:values.yaml'],
    ['oci://'],
    ['repo/chart/extra'],
  ])('helm_install refuses chart %j before running helm', async (chart) => {
    await expect(call('helm_install', { chart }, testContext(fake))).rejects.toThrow(/must be a <repo>\/<chart> reference or an oci:\/\/ URL/);
  });

  it.each([['bitnami/nginx'], ['stable/grafana'], ['oci://ghcr.io/nginxinc/charts/nginx-ingress'], ['oci://localhost:5000/charts/app:1.2.3']])(
    'helm_install accepts chart %j',
    async (chart) => {
      const saved = { PATH: process.env.PATH, HELM_BIN: process.env.HELM_BIN };
      process.env.PATH = '/nonexistent';
      delete process.env.HELM_BIN;
      try {
        // passes the schema, then stops at the missing binary
        expect(text(await call('helm_install', { chart }, testContext(fake)))).toMatch(/^helm is not available/);
      } finally {
        process.env.PATH = saved.PATH;
        if (saved.HELM_BIN) process.env.HELM_BIN = saved.HELM_BIN;
      }
    },
  );

  it.each([['--dry-run'], ['-n'], ['Web'], ['a'.repeat(54)]])('helm_install and helm_uninstall refuse release name %j', async (name) => {
    await expect(call('helm_install', { chart: 'bitnami/nginx', name }, testContext(fake))).rejects.toThrow(/must be a Helm release name|at most 53/);
    await expect(call('helm_uninstall', { name }, testContext(fake))).rejects.toThrow(/must be a Helm release name|at most 53/);
  });

  it('refuses a namespace that starts with "-"', async () => {
    await expect(call('helm_uninstall', { name: 'web', namespace: '--kube-apiserver=x' }, testContext(fake))).rejects.toThrow(/DNS-1123 label/);
  });
});

describe('runHelm file arguments', () => {
  it('writes only tool-built file arguments; an "@file:" string is passed verbatim', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-helm-'));
    const record = join(dir, 'record.json');
    const bin = join(dir, 'helm');
    writeFileSync(
      bin,
      `#!/usr/bin/env node\nconst fs=require('fs');const a=process.argv.slice(2);fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ a, f: fs.readFileSync(a[2],'utf8') }));\n`,
    );
    chmodSync(bin, 0o755);
    const saved = process.env.HELM_BIN;
    process.env.HELM_BIN = bin;
    const fake = await startFakeApiServer();
    try {
      await runHelm(fake.kubeConfig('t'), ['x', '@file:values.yaml', { file: 'values.yaml', content: 'a: 1\n' }]);
      const rec = JSON.parse(readFileSync(record, 'utf8'));
      expect(rec.a[1]).toBe('@file:values.yaml');
      expect(rec.a[2]).toMatch(/values\.yaml$/);
      expect(rec.f).toBe('a: 1\n');
    } finally {
      await fake.close();
      if (saved === undefined) delete process.env.HELM_BIN;
      else process.env.HELM_BIN = saved;
    }
  });
});
