import { describe, expect, it } from '@jest/globals';
import { requiredSecrets } from '../../charts/required-secrets.js';
import { referenceInput, synthStack, type Obj } from './stack-fixture.js';

/** Every `namespace/name/key` (or `namespace/name/*` for whole-Secret volumes) an object references. */
function referencedSecretKeys(o: Obj): string[] {
  const ns = o.metadata.namespace ?? 'openshift-config';
  const out: string[] = [];
  const walk = (v: any): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    if (v.secretKeyRef) out.push(`${ns}/${v.secretKeyRef.name}/${v.secretKeyRef.key}`);
    if (v.secret?.secretName) for (const item of v.secret.items ?? [{ key: '*' }]) out.push(`${ns}/${v.secret.secretName}/${item.key}`);
    if (v.secret?.name && v.secret?.key) out.push(`${ns}/${v.secret.name}/${v.secret.key}`); // realm import placeholders
    if (v.usernameSecret) out.push(`${ns}/${v.usernameSecret.name}/${v.usernameSecret.key}`);
    if (v.passwordSecret) out.push(`${ns}/${v.passwordSecret.name}/${v.passwordSecret.key}`);
    if (v.clientSecret?.name && o.kind === 'Authentication') out.push(`openshift-config/${v.clientSecret.name}/clientSecret`);
    Object.values(v).forEach(walk);
  };
  walk(o.spec ?? {});
  return out;
}

describe('requiredSecrets', () => {
  const { model, charts } = synthStack();
  const required = requiredSecrets(model);
  const keys = new Set(required.map((s) => `${s.namespace}/${s.name}/${s.key}`));
  const all = [...charts.values()].flat();

  it('the stack creates no Secret: every secret is a reference', () => {
    expect(all.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('lists every Secret key the synthesized stack references', () => {
    const refs = new Set(all.flatMap(referencedSecretKeys));
    expect(refs.size).toBeGreaterThan(8);
    for (const ref of refs) {
      if (ref.endsWith('/*')) expect(required.some((s) => ref.startsWith(`${s.namespace}/${s.name}/`))).toBe(true);
      else expect(keys).toContain(ref);
    }
  });

  it('gives a client secret one valueId wherever it is read', () => {
    const byValue = (id: string) =>
      required
        .filter((s) => s.valueId === id)
        .map((s) => `${s.namespace}/${s.name}`)
        .sort();
    expect(byValue('realm-client:openshift/mcp-server')).toEqual(['mcp-server/mcp-server-sts', 'redhat-keycloak/keycloak-client-mcp-server-secret']);
    expect(byValue('realm-client:openshift/openshift-console')).toEqual([
      'openshift-config/keycloak-client-openshift-console-secret',
      'redhat-keycloak/keycloak-client-openshift-console-secret',
    ]);
    expect(byValue('realm-client:openshift/mcp-client')).toEqual([
      'llama-stack-playground/llama-stack-playground-oauth',
      'redhat-keycloak/keycloak-client-mcp-client-secret',
    ]);
  });

  it('states the format each consumer needs', () => {
    const find = (ns: string, name: string, key: string) => required.find((s) => s.namespace === ns && s.name === name && s.key === key)!;
    expect(find('llama-stack-playground', 'llama-stack-playground-oauth', 'cookie-secret').format).toBe('cookie-secret');
    expect(find('redhat-keycloak', 'postgresql-credentials', 'password').format).toBe('password');
    expect(find('redhat-keycloak', 'postgresql-credentials', 'username')).toMatchObject({ format: 'username', value: 'keycloak' });
    expect(find('llama-stack', 'llama-stack-secret', 'llama-token').format).toBe('external-token');
  });

  it("lists test users' passwords as password Secrets in the Keycloak namespace", () => {
    const c = referenceInput();
    c.realm.users = [{ username: 'testadmin', groups: ['openshift_admins'], password: { name: 'realm-test-users', key: 'testadmin' } }];
    const users = requiredSecrets(synthStack(c).model).filter((s) => s.name === 'realm-test-users');
    expect(users).toEqual([
      expect.objectContaining({ namespace: 'redhat-keycloak', key: 'testadmin', format: 'password', valueId: 'realm-user:openshift/testadmin' }),
    ]);
  });

  it('refuses one Secret key used for two different values', () => {
    const c = referenceInput();
    c.namespaces.mcpServer = c.namespaces.playground = 'llm-apps';
    c.mcpServer.stsClientSecret = { name: 'llama-stack-playground-oauth', key: 'client-secret' };
    expect(() => requiredSecrets(synthStack(c).model)).toThrow(/llm-apps\/llama-stack-playground-oauth\/client-secret is referenced for two different values/);
  });
});
