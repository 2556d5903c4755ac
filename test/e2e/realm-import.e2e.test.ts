/**
 * One model, two paths: the KeycloakRealmImport the charts render (charts/realm.ts) and
 * the reconciler must describe the same realm. The import's realm, with its placeholders
 * filled from the Secrets as the operator does, is imported into a fresh realm of the real
 * Keycloak (`POST /admin/realms`, the full import the operator's `kc.sh import` performs;
 * a partial import cannot create client scopes), and `plan` must then report no drift.
 */
import { jest } from '@jest/globals';
import { Chart, Testing } from 'cdk8s';
import { RealmImport } from '../../charts/realm.js';
import type { RealmModel } from '../../keycloak-realm/realm-model.js';
import { realmRequiredSecrets } from '../../keycloak-realm/realm-secrets.js';
import { ensureSecrets, MemorySecretSource } from '../../secrets/store.js';
import { admin, KEYCLOAK_NAMESPACE, realmRun, testRealm, uniqueRealm } from './realm-fixture.js';

jest.setTimeout(120_000);

interface ImportSpec {
  realm: Record<string, unknown>;
  placeholders?: Record<string, { secret: { name: string; key: string } }>;
}

/** The spec of the KeycloakRealmImport the charts synthesize for `model`. */
function synthesizedImport(model: RealmModel): ImportSpec {
  const chart = new Chart(Testing.app(), 'realm');
  new RealmImport(chart, 'import', { namespace: KEYCLOAK_NAMESPACE, keycloakCRName: 'keycloak', apiVersion: 'v2alpha1', realm: model });
  const [doc] = Testing.synth(chart).filter((o) => o.kind === 'KeycloakRealmImport');
  return doc.spec as ImportSpec;
}

/** What the operator does with `spec.placeholders`: replaces each `${NAME}` with the Secret's value. */
async function fillPlaceholders(spec: ImportSpec, secrets: MemorySecretSource): Promise<Record<string, unknown>> {
  let json = JSON.stringify(spec.realm);
  for (const [name, { secret }] of Object.entries(spec.placeholders ?? {})) {
    const value = await secrets.read({ namespace: KEYCLOAK_NAMESPACE, ...secret });
    if (value === undefined) throw new Error(`test setup: Secret ${secret.name}/${secret.key} missing`);
    json = json.split('${' + name + '}').join(value);
  }
  return JSON.parse(json) as Record<string, unknown>;
}

describe('the KeycloakRealmImport rendered by the charts', () => {
  it('carries placeholders, not secret values, for every client secret and user password', async () => {
    const model = testRealm(uniqueRealm('render'));
    const secrets = new MemorySecretSource();
    await ensureSecrets(secrets, realmRequiredSecrets(model, KEYCLOAK_NAMESPACE), { generate: true });
    const spec = synthesizedImport(model);
    expect(Object.keys(spec.placeholders ?? {}).sort()).toEqual([
      'CLIENT_SECRET_MCP_CLIENT',
      'CLIENT_SECRET_MCP_SERVER',
      'CLIENT_SECRET_OPENSHIFT',
      'CLIENT_SECRET_OPENSHIFT_CONSOLE',
      'USER_PASSWORD_DEV',
    ]);
    const json = JSON.stringify(spec);
    for (const value of secrets.values.values()) expect(json).not.toContain(value);
  });

  it('imported into a fresh realm, reaches the state plan reports as no drift', async () => {
    const model = testRealm(uniqueRealm('import'));
    const secrets = new MemorySecretSource();
    await ensureSecrets(secrets, realmRequiredSecrets(model, KEYCLOAK_NAMESPACE), { generate: true });
    const kc = await admin();
    await kc.realms.create(await fillPlaceholders(synthesizedImport(model), secrets));

    const plan = await realmRun('plan', model, secrets);
    expect(plan.lines.slice(1)).toEqual([]);
    expect(plan.exitCode).toBe(0);
  });

  it('plan notices when the imported realm differs from the model', async () => {
    const model = testRealm(uniqueRealm('import-drift'));
    const secrets = new MemorySecretSource();
    await ensureSecrets(secrets, realmRequiredSecrets(model, KEYCLOAK_NAMESPACE), { generate: true });
    const kc = await admin();
    const realm = await fillPlaceholders(synthesizedImport(model), secrets);
    const clients = (realm.clients as { clientId: string; attributes: Record<string, string> }[]).map((c) =>
      c.clientId === 'mcp-server' ? { ...c, attributes: { ...c.attributes, 'standard.token.exchange.enabled': 'false' } } : c,
    );
    await kc.realms.create({ ...realm, clients });
    const plan = await realmRun('plan', model, secrets);
    expect(plan.exitCode).toBe(2);
    expect(plan.lines.slice(1)).toEqual(['  client mcp-server: attributes.standard.token.exchange.enabled "false" → "true"']);
  });

  it("a realm imported without Keycloak's built-in scopes (as the reference scripts did) gets those its clients name", async () => {
    const model = testRealm(uniqueRealm('no-builtins'));
    const secrets = new MemorySecretSource();
    await ensureSecrets(secrets, realmRequiredSecrets(model, KEYCLOAK_NAMESPACE), { generate: true });
    const kc = await admin();
    await kc.realms.create({ realm: model.realm, enabled: true, clientScopes: [{ name: 'groups', protocol: 'openid-connect' }] });

    const plan = await realmRun('plan', model, secrets);
    expect(plan.lines).toEqual(
      expect.arrayContaining(['  client scope basic (Keycloak built-in): create', '  client scope profile (Keycloak built-in): create']),
    );
    await realmRun('apply', model, secrets);
    expect((await realmRun('plan', model, secrets)).lines.slice(1)).toEqual([]);
  });
});
