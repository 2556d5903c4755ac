import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { call, testContext, text } from './context.js';
import { startFakeApiServer, type FakeApiServer } from '../k8s/fake-apiserver.js';

const SECRETS = ['sa-token-value', 'S0VZREFUQQ==', 'Q0VSVERBVEE=', 'hunter2', 'oidc-refresh', 'aws-iam-authenticator', 'exchanged-token-xyz'];

function kubeconfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcv-'));
  const file = join(dir, 'config');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'prod',
      clusters: [
        { name: 'prod-cluster', cluster: { server: 'https://api.prod:6443', 'certificate-authority-data': 'Q0FEQVRB' } },
        { name: 'dev-cluster', cluster: { server: 'https://api.dev:6443' } },
      ],
      users: [
        { name: 'token-user', user: { token: 'sa-token-value', 'client-key-data': 'S0VZREFUQQ==', 'client-certificate-data': 'Q0VSVERBVEE=' } },
        { name: 'basic-user', user: { username: 'admin', password: 'hunter2' } },
        { name: 'oidc-user', user: { 'auth-provider': { name: 'oidc', config: { 'refresh-token': 'oidc-refresh' } } } },
        { name: 'exec-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws-iam-authenticator', args: ['token'] } } },
      ],
      contexts: [
        { name: 'prod', context: { cluster: 'prod-cluster', user: 'token-user', namespace: 'shop' } },
        { name: 'dev-basic', context: { cluster: 'dev-cluster', user: 'basic-user' } },
        { name: 'dev-oidc', context: { cluster: 'dev-cluster', user: 'oidc-user' } },
        { name: 'dev-exec', context: { cluster: 'dev-cluster', user: 'exec-user' } },
      ],
    }),
  );
  return file;
}

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await startFakeApiServer();
});
afterEach(() => fake.close());

describe('configuration_view', () => {
  it('redacts tokens, client key/cert data, passwords, auth-provider and exec in the full view', async () => {
    const out = text(await call('configuration_view', { minified: false }, testContext(fake, { kubeconfigPath: kubeconfig() })));
    for (const s of SECRETS) expect(out).not.toContain(s);
    const cfg = parse(out);
    const user = (n: string) => cfg.users.find((u: { name: string }) => u.name === n).user;
    expect(user('token-user')).toEqual({ token: 'REDACTED', 'client-key-data': 'REDACTED', 'client-certificate-data': 'REDACTED' });
    expect(user('basic-user')).toEqual({ username: 'admin', password: 'REDACTED' });
    expect(user('oidc-user')).toEqual({ 'auth-provider': 'REDACTED' });
    expect(user('exec-user')).toEqual({ exec: 'REDACTED' });
    expect(cfg.clusters[0].cluster['certificate-authority-data']).toBe('DATA+OMITTED');
    expect(cfg.contexts).toHaveLength(4);
  });

  it('minified (default) keeps only the current context, its cluster and its user', async () => {
    const cfg = parse(text(await call('configuration_view', {}, testContext(fake, { kubeconfigPath: kubeconfig() }))));
    expect(cfg.contexts.map((c: { name: string }) => c.name)).toEqual(['prod']);
    expect(cfg.clusters.map((c: { name: string }) => c.name)).toEqual(['prod-cluster']);
    expect(cfg.users.map((c: { name: string }) => c.name)).toEqual(['token-user']);
  });

  it("without a kubeconfig file, shows the request's config with the caller's exchanged token redacted", async () => {
    const out = text(await call('configuration_view', {}, testContext(fake, { kubeConfig: fake.kubeConfig('exchanged-token-xyz') })));
    expect(out).not.toContain('exchanged-token-xyz');
    const cfg = parse(out);
    expect(cfg.clusters[0].cluster.server).toBe(fake.url);
    expect(cfg.users[0].user.token).toBe('REDACTED');
  });

  it("shows the request's context in kubeconfig file layout (no name repeated inside `context`)", async () => {
    const cfg = parse(text(await call('configuration_view', {}, testContext(fake, { kubeConfig: fake.kubeConfig('exchanged-token-xyz') }))));
    expect(cfg.contexts).toHaveLength(1);
    expect(Object.keys(cfg.contexts[0].context).sort()).toEqual(expect.arrayContaining(['cluster', 'user']));
    expect(cfg.contexts[0].context).not.toHaveProperty('name');
  });
});

describe('configuration_contexts_list', () => {
  it('lists contexts with cluster server and namespace, marking the current one', async () => {
    const out = text(await call('configuration_contexts_list', {}, testContext(fake, { kubeconfigPath: kubeconfig() })));
    expect(out.split('\n')).toEqual([
      'CURRENT   NAME        CLUSTER        SERVER                  NAMESPACE',
      '*         prod        prod-cluster   https://api.prod:6443   shop',
      '          dev-basic   dev-cluster    https://api.dev:6443',
      '          dev-oidc    dev-cluster    https://api.dev:6443',
      '          dev-exec    dev-cluster    https://api.dev:6443',
    ]);
  });
});
