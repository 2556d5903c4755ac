import { gzipSync } from 'node:zlib';
import { decodeRelease, latestReleases } from '../../src/tools/helm/releases.js';
import { findHelm } from '../../src/tools/helm/helm-cli.js';
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
    expect(r).toEqual({ name: 'web', namespace: 'shop', revision: 3, status: 'deployed', chart: 'nginx-15.0.0', appVersion: '1.27.0', updated: '2026-11-29T10:00:00Z' });
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
    fake.on('GET', '/api/v1/namespaces/shop/secrets', { body: { kind: 'SecretList', items: [releaseSecret('web', 'shop', 1, 'superseded'), releaseSecret('web', 'shop', 2, 'deployed')] } });
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
      for (const [tool, args] of [['helm_install', { chart: 'bitnami/nginx' }], ['helm_uninstall', { name: 'web' }]] as const) {
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
