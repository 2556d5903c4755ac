import { referenceRealm } from '../../keycloak-realm/realm-model.js';
import { realmRequiredSecrets } from '../../keycloak-realm/realm-secrets.js';
import type { RequiredSecret, RequiredSecretFormat } from '../../secrets/required.js';
import { ensureSecrets, generateSecretValue, MemorySecretSource, NamespaceMissingError } from '../../secrets/store.js';

const req = (name: string, valueId: string, format: RequiredSecretFormat = 'client-secret', namespace = 'kc'): RequiredSecret => ({
  namespace,
  name,
  key: 'k',
  format,
  valueId,
  purpose: name,
});

describe('generateSecretValue', () => {
  it('makes 32 alphanumeric characters for client secrets and passwords, distinct each time', () => {
    const a = generateSecretValue('client-secret');
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateSecretValue('password')).not.toBe(a);
  });

  it('makes an oauth2-proxy cookie secret that decodes to 32 bytes', () => {
    expect(Buffer.from(generateSecretValue('cookie-secret'), 'base64url')).toHaveLength(32);
  });

  it('rejects an unknown format', () => {
    expect(() => generateSecretValue('rot13')).toThrow('unknown secret format "rot13"');
  });
});

describe('ensureSecrets', () => {
  it('creates missing keys with generate, giving one valueId one value across namespaces', async () => {
    const source = new MemorySecretSource();
    const out = await ensureSecrets(source, [req('a', 'v1'), req('b', 'v1', 'client-secret', 'other'), req('c', 'v2')], { generate: true });
    expect(out.map((o) => o.status)).toEqual(['created', 'created', 'created']);
    expect(source.values.get('kc/a/k')).toBe(source.values.get('other/b/k'));
    expect(source.values.get('kc/c/k')).not.toBe(source.values.get('kc/a/k'));
  });

  it('copies an existing value to a missing key of the same valueId', async () => {
    const source = new MemorySecretSource();
    await source.write({ namespace: 'kc', name: 'a', key: 'k' }, 'existing');
    await ensureSecrets(source, [req('a', 'v1'), req('b', 'v1')], { generate: true });
    expect(source.values.get('kc/b/k')).toBe('existing');
  });

  it('writes nothing without generate, and never generates external tokens', async () => {
    const source = new MemorySecretSource();
    expect((await ensureSecrets(source, [req('a', 'v1')], { generate: false }))[0].status).toBe('missing');
    expect((await ensureSecrets(source, [req('t', 'tok', 'external-token')], { generate: true }))[0].status).toBe('missing');
    expect(source.values.size).toBe(0);
  });

  it('writes the fixed value of a username', async () => {
    const source = new MemorySecretSource();
    await ensureSecrets(source, [{ ...req('db', 'user', 'username'), value: 'keycloak' }], { generate: true });
    expect(source.values.get('kc/db/k')).toBe('keycloak');
  });

  it('refuses keys of one valueId that already differ', async () => {
    const source = new MemorySecretSource();
    await source.write({ namespace: 'kc', name: 'a', key: 'k' }, 'one');
    await source.write({ namespace: 'kc', name: 'b', key: 'k' }, 'two');
    await expect(ensureSecrets(source, [req('a', 'v1'), req('b', 'v1')], { generate: true })).rejects.toThrow('must hold the same value (v1)');
  });
});

describe('MemorySecretSource namespaces', () => {
  it('accepts every namespace by default, and only the listed (or created) ones when given', async () => {
    expect(await new MemorySecretSource().namespaceExists('anything')).toBe(true);
    const source = new MemorySecretSource({ namespaces: ['kc'] });
    const ref = { namespace: 'apps', name: 's', key: 'k' };
    await expect(source.write(ref, 'v')).rejects.toThrow(new NamespaceMissingError('apps', ref));
    await expect(source.write(ref, 'v')).rejects.toThrow('cannot write Secret apps/s: namespace apps does not exist');
    await source.createNamespace('apps');
    await source.write(ref, 'v');
    expect(source.values.get('apps/s/k')).toBe('v');
  });
});

describe('realmRequiredSecrets', () => {
  it('lists the four confidential clients of the reference realm in the Keycloak namespace', () => {
    const refs = realmRequiredSecrets(referenceRealm({ consoleRedirectUri: 'https://c/auth/callback' }), 'redhat-keycloak');
    expect(refs.map((r) => `${r.namespace}/${r.name}`)).toEqual([
      'redhat-keycloak/keycloak-client-mcp-client-secret',
      'redhat-keycloak/keycloak-client-mcp-server-secret',
      'redhat-keycloak/keycloak-client-openshift-secret',
      'redhat-keycloak/keycloak-client-openshift-console-secret',
    ]);
  });
});
