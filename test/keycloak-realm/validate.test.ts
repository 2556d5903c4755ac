import { RealmModelSchema, referenceRealm, validateRealmModel, type RealmModelInput } from '../../keycloak-realm/realm-model.js';

const reference = () => referenceRealm({ consoleRedirectUri: 'https://console.apps.example.test/auth/callback' });
const issuesOf = (input: RealmModelInput) => validateRealmModel(RealmModelSchema.parse(input));

describe('validateRealmModel', () => {
  it('accepts the reference realm', () => {
    expect(validateRealmModel(reference())).toEqual([]);
  });

  it('rejects a public client with token exchange', () => {
    expect(issuesOf({ realm: 'r', clients: [{ clientId: 'x', publicClient: true, tokenExchange: true }] })).toEqual([
      { path: 'clients[0].tokenExchange', message: expect.stringContaining('enables token exchange but is public') },
    ]);
  });

  it('requires a secret reference on a confidential client and forbids one on a public client', () => {
    const issues = issuesOf({
      realm: 'r',
      clients: [{ clientId: 'conf' }, { clientId: 'pub', publicClient: true, secret: { name: 's', key: 'k' } }],
    });
    expect(issues.map((i) => i.path)).toEqual(['clients[0].secret', 'clients[1].secret']);
  });

  it('names a client scope that is neither declared nor a Keycloak built-in', () => {
    const model = reference();
    model.clients[1].optionalClientScopes = ['mcp:openshift', 'mcp:nowhere'];
    expect(validateRealmModel(model)).toEqual([
      { path: 'clients[1].optionalClientScopes[1]', message: expect.stringContaining('unknown client scope "mcp:nowhere"') },
    ]);
  });

  it('accepts Keycloak built-in scopes such as profile, email, basic, roles, web-origins and acr', () => {
    expect(
      issuesOf({
        realm: 'r',
        clients: [{ clientId: 'c', publicClient: true, defaultClientScopes: ['profile', 'email', 'basic', 'roles', 'web-origins', 'acr'] }],
      }),
    ).toEqual([]);
  });

  it('rejects a scope both default and optional, duplicate names, and users in undeclared groups', () => {
    const issues = issuesOf({
      realm: 'r',
      clientScopes: [{ name: 's' }, { name: 's' }],
      clients: [{ clientId: 'c', publicClient: true, defaultClientScopes: ['basic', 's'], optionalClientScopes: ['s'] }],
      groups: [{ name: 'g' }],
      users: [{ username: 'u', groups: ['g', 'h'] }],
    });
    expect(issues.map((i) => i.path)).toEqual(['clientScopes[1].name', 'clients[0].defaultClientScopes[1]', 'users[0].groups[1]']);
  });

  it('rejects malformed Secret references in the schema', () => {
    expect(() => RealmModelSchema.parse({ realm: 'r', clients: [{ clientId: 'c', secret: { name: 'Not_A_Name', key: 'k' } }] })).toThrow(
      /Kubernetes Secret name/,
    );
  });
});
