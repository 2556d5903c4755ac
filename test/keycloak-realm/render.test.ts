import { BUILTIN_CLIENT_SCOPES, referenceRealm, renderRealmRepresentation } from '../../keycloak-realm/realm-model.js';
import { secretRefKey } from '../../keycloak-realm/render.js';

const model = referenceRealm({
  consoleRedirectUri: 'https://console.apps.example.test/auth/callback',
  users: [{ username: 'dev', groups: ['openshift_developers'], password: { name: 'users', key: 'dev' } }],
});
type Rep = Record<string, unknown> & { clientId?: string; name?: string };
const clients = (realm: Record<string, unknown>) => realm.clients as Rep[];
const client = (realm: Record<string, unknown>, id: string) => clients(realm).find((c) => c.clientId === id)!;

describe('renderRealmRepresentation in placeholders mode', () => {
  const { realm, placeholders } = renderRealmRepresentation(model, { kind: 'placeholders' });

  it('puts a ${PLACEHOLDER} where each client secret goes and maps it to the Secret', () => {
    expect(client(realm, 'mcp-server').secret).toBe('${CLIENT_SECRET_MCP_SERVER}');
    expect(placeholders.CLIENT_SECRET_MCP_SERVER).toEqual({ secret: { name: 'keycloak-client-mcp-server-secret', key: 'clientSecret' } });
    expect(client(realm, 'openshift-cli').secret).toBeUndefined();
  });

  it('renders user passwords as non-temporary password credentials from placeholders', () => {
    const [user] = realm.users as Rep[];
    expect(user.credentials).toEqual([{ type: 'password', value: '${USER_PASSWORD_DEV}', temporary: false }]);
    expect(user.groups).toEqual(['/openshift_developers']);
  });

  it('maps tokenExchange to the standard.token.exchange.enabled attribute', () => {
    expect((client(realm, 'mcp-server').attributes as Record<string, string>)['standard.token.exchange.enabled']).toBe('true');
    expect((client(realm, 'mcp-client').attributes as Record<string, string>)['standard.token.exchange.enabled']).toBe('false');
  });

  it("defines every Keycloak built-in client scope besides the model's, since an import creates none", () => {
    const names = (realm.clientScopes as Rep[]).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([...BUILTIN_CLIENT_SCOPES, 'groups', 'mcp-server', 'mcp:openshift']));
    expect(new Set(names).size).toBe(names.length);
  });

  it("spells out the realm's OIDC scope lists for a client that leaves them to the realm", () => {
    expect(client(realm, 'mcp-client').defaultClientScopes).toEqual(['acr', 'basic', 'email', 'profile', 'roles', 'web-origins', 'groups']);
    expect(client(realm, 'mcp-client').optionalClientScopes).toEqual(['mcp-server']);
    expect(realm.defaultDefaultClientScopes).toContain('groups');
  });

  it('renders groups as top-level paths', () => {
    expect(realm.groups).toEqual([
      { name: 'openshift_admins', path: '/openshift_admins' },
      { name: 'openshift_developers', path: '/openshift_developers' },
    ]);
  });
});

describe('renderRealmRepresentation in values mode', () => {
  it('takes each secret from the map', () => {
    const secrets = new Map(
      [...model.clients, ...model.users.map((u) => ({ secret: u.password, publicClient: false }))]
        .filter((c) => c.secret && !c.publicClient)
        .map((c) => [secretRefKey(c.secret!), `v-${c.secret!.name}`]),
    );
    const { realm, placeholders } = renderRealmRepresentation(model, { kind: 'values', secrets });
    expect(client(realm, 'openshift').secret).toBe('v-keycloak-client-openshift-secret');
    expect(placeholders).toEqual({});
  });

  it('throws naming the Secret whose value is missing', () => {
    expect(() => renderRealmRepresentation(model, { kind: 'values', secrets: new Map() })).toThrow(
      'no value for Secret keycloak-client-mcp-client-secret key clientSecret (client secret mcp-client)',
    );
  });
});
