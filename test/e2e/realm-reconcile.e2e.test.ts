/** The reconciler against a real Keycloak: create, idempotence, drift detection and repair, prune, secrets. */
import { jest } from '@jest/globals';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { MemorySecretSource } from '../../secrets/store.js';
import { defaultClientSecretRef } from '../../keycloak-realm/reference.js';
import { admin, realmRun, secretValue, selectRealm, testRealm, uniqueRealm } from './realm-fixture.js';

jest.setTimeout(120_000);

describe('realm apply against an empty Keycloak', () => {
  const realm = uniqueRealm('reconcile');
  const model = testRealm(realm);
  const secrets = new MemorySecretSource();
  let kc: KcAdminClient;

  beforeAll(async () => {
    kc = await admin();
  });

  it('plans the creation of every object and exits 2', async () => {
    const plan = await realmRun('plan', model, secrets);
    expect(plan.exitCode).toBe(2);
    expect(plan.lines).toEqual(
      expect.arrayContaining([
        `  realm ${realm}: create`,
        '  client scope mcp:openshift protocol mapper openshift-api-audience: create',
        '  client mcp-server: create',
        '  group openshift_developers: create',
        '  user dev: create',
      ]),
    );
    expect(plan.missingSecrets).toHaveLength(5);
  });

  it('apply --generate-missing creates the Secrets and every object, printing no secret value', async () => {
    const result = await realmRun('apply', model, secrets, { generateMissing: true });
    expect(result.exitCode).toBe(0);
    expect(result.lines).toContain(`Secret redhat-keycloak/keycloak-client-mcp-server-secret key clientSecret: created (client secret of mcp-server)`);
    const output = result.lines.join('\n');
    for (const value of secrets.values.values()) expect(output).not.toContain(value);

    selectRealm(kc, realm);
    const [mcpServer] = await kc.clients.find({ clientId: 'mcp-server' });
    expect(mcpServer.attributes?.['standard.token.exchange.enabled']).toBe('true');
    expect(mcpServer.publicClient).toBe(false);
    expect((await kc.clients.getClientSecret({ id: mcpServer.id! })).value).toBe(secretValue(secrets, defaultClientSecretRef('mcp-server')));
    expect((await kc.clients.listDefaultClientScopes({ id: mcpServer.id! })).map((s) => s.name).sort()).toEqual(['basic', 'groups', 'profile']);
    expect((await kc.clients.listOptionalClientScopes({ id: mcpServer.id! })).map((s) => s.name)).toEqual(['mcp:openshift']);
    const [cli] = await kc.clients.find({ clientId: 'openshift-cli' });
    expect(cli.publicClient).toBe(true);
    expect(cli.redirectUris).toEqual(['http://localhost']);
    const scope = (await kc.clientScopes.findOneByName({ name: 'mcp:openshift' }))!;
    expect(scope.protocolMappers?.[0]?.config?.['included.custom.audience']).toBe('openshift');
    expect((await kc.groups.find()).map((g) => g.name).sort()).toEqual(['openshift_admins', 'openshift_developers']);
    const [dev] = await kc.users.find({ username: 'dev', exact: true });
    expect((await kc.users.listGroups({ id: dev.id! })).map((g) => g.name)).toEqual(['openshift_developers']);
  });

  it('a second apply reports zero changes and plan exits 0', async () => {
    const again = await realmRun('apply', model, secrets);
    expect(again.changes).toEqual([]);
    expect(again.lines).toHaveLength(1);
    expect(again.lines[0]).toMatch(new RegExp(`^realm ${realm} at https://127\\.0\\.0\\.1:\\d+: no changes$`));
    const plan = await realmRun('plan', model, secrets);
    expect(plan.exitCode).toBe(0);
    expect(plan.lines[0]).toMatch(/: no drift$/);
  });

  it('reports token exchange turned off and a removed protocol mapper, and apply repairs both', async () => {
    selectRealm(kc, realm);
    const [mcpServer] = await kc.clients.find({ clientId: 'mcp-server' });
    await kc.clients.update({ id: mcpServer.id! }, { ...mcpServer, attributes: { ...mcpServer.attributes, 'standard.token.exchange.enabled': 'false' } });
    const scope = (await kc.clientScopes.findOneByName({ name: 'mcp-server' }))!;
    await kc.clientScopes.delProtocolMapper({ id: scope.id!, mapperId: scope.protocolMappers![0].id! });

    const plan = await realmRun('plan', model, secrets);
    expect(plan.exitCode).toBe(2);
    expect(plan.lines.slice(1).sort()).toEqual([
      '  client mcp-server: attributes.standard.token.exchange.enabled "false" → "true"',
      '  client scope mcp-server protocol mapper mcp-server-audience: create',
    ]);

    const applied = await realmRun('apply', model, secrets);
    expect(applied.changes).toHaveLength(2);
    selectRealm(kc, realm);
    expect((await kc.clients.findOne({ id: mcpServer.id! }))!.attributes!['standard.token.exchange.enabled']).toBe('true');
    expect((await realmRun('plan', model, secrets)).exitCode).toBe(0);
  });

  it('repairs a changed client secret, a removed default client scope and a lost group membership without printing the secret', async () => {
    selectRealm(kc, realm);
    const [mcpClient] = await kc.clients.find({ clientId: 'mcp-client' });
    const rotated = await kc.clients.generateNewClientSecret({ id: mcpClient.id! });
    const [mcpServer] = await kc.clients.find({ clientId: 'mcp-server' });
    const groupsScope = (await kc.clientScopes.findOneByName({ name: 'groups' }))!;
    await kc.clients.delDefaultClientScope({ id: mcpServer.id!, clientScopeId: groupsScope.id! });
    const [dev] = await kc.users.find({ username: 'dev', exact: true });
    const [devGroup] = await kc.users.listGroups({ id: dev.id! });
    await kc.users.delFromGroup({ id: dev.id!, groupId: devGroup.id! });

    const plan = await realmRun('plan', model, secrets);
    expect(plan.lines.slice(1).sort()).toEqual(
      [
        '  client mcp-client: secret (value differs)',
        '  client mcp-server: defaultClientScopes ["basic","profile"] → ["basic","groups","profile"]',
        '  user dev: groups [] → ["openshift_developers"]',
      ].sort(),
    );
    expect(plan.lines.join('\n')).not.toContain(rotated.value!);

    await realmRun('apply', model, secrets);
    selectRealm(kc, realm);
    expect((await kc.clients.getClientSecret({ id: mcpClient.id! })).value).toBe(secretValue(secrets, defaultClientSecretRef('mcp-client')));
    expect(mcpClient.id).toBe((await kc.clients.find({ clientId: 'mcp-client' }))[0].id);
    expect((await realmRun('plan', model, secrets)).lines.slice(1)).toEqual([]);
  });

  it('leaves undeclared objects alone unless --prune, which deletes them', async () => {
    selectRealm(kc, realm);
    await kc.clients.create({ clientId: 'stray-client', publicClient: true });
    await kc.groups.create({ name: 'stray-group' });
    expect((await realmRun('plan', model, secrets)).exitCode).toBe(0);

    const pruning = await realmRun('plan', model, secrets, { prune: true });
    expect(pruning.lines.slice(1).sort()).toEqual(['  client stray-client: delete', '  group stray-group: delete']);
    await realmRun('apply', model, secrets, { prune: true });
    selectRealm(kc, realm);
    expect(await kc.clients.find({ clientId: 'stray-client' })).toEqual([]);
    expect((await kc.clients.find({ clientId: 'account' })).length).toBe(1);
    expect((await realmRun('plan', model, secrets, { prune: true })).exitCode).toBe(0);
  });
});
