import { describe, expect, it } from '@jest/globals';
import { chartObjects, one, referenceInput } from './stack-fixture.js';

describe('realm chart', () => {
  const imp = one(chartObjects('realm'), 'KeycloakRealmImport');
  const realm = imp.spec.realm;
  const clients = new Map<string, any>(realm.clients.map((c: any) => [c.clientId, c]));

  it('imports realm "openshift" into the Keycloak CR, in the CR version of the channel', () => {
    expect(imp.apiVersion).toBe('k8s.keycloak.org/v2alpha1');
    expect(imp.metadata.namespace).toBe('redhat-keycloak');
    expect(imp.spec.keycloakCRName).toBe('keycloak');
    expect(realm.realm).toBe('openshift');
  });

  it('carries the five clients, three client scopes and two groups of the reference', () => {
    expect([...clients.keys()].sort()).toEqual(['mcp-client', 'mcp-server', 'openshift', 'openshift-cli', 'openshift-console']);
    const scopes = realm.clientScopes.map((s: any) => s.name);
    expect(scopes).toEqual(expect.arrayContaining(['groups', 'mcp-server', 'mcp:openshift']));
    expect(realm.groups.map((g: any) => g.name)).toEqual(['openshift_admins', 'openshift_developers']);
    expect(clients.get('mcp-server').attributes['standard.token.exchange.enabled']).toBe('true');
  });

  it('takes every client secret from a Secret through an operator placeholder, never a literal', () => {
    for (const [id, c] of clients) {
      if (c.publicClient) {
        expect(c.secret).toBeUndefined();
        continue;
      }
      const m = /^\$\{([A-Z0-9_]+)\}$/.exec(c.secret);
      expect(m).not.toBeNull();
      expect(imp.spec.placeholders[m![1]]).toEqual({ secret: { name: `keycloak-client-${id}-secret`, key: 'clientSecret' } });
    }
  });

  it('has the derived console callback as the console client redirect URI', () => {
    expect(clients.get('openshift-console').redirectUris).toEqual(['https://console-openshift-console.apps.cluster.example.com/auth/callback']);
  });

  it('declares no users unless the config does, and their passwords are placeholders', () => {
    expect(realm.users).toBeUndefined();
    const c = referenceInput();
    c.realm.users = [{ username: 'dev', groups: ['openshift_developers'], password: { name: 'realm-test-users', key: 'dev' } }];
    const withUsers = one(chartObjects('realm', c), 'KeycloakRealmImport');
    const creds = JSON.stringify(withUsers.spec.realm.users);
    expect(creds).toMatch(/"value":"\$\{[A-Z0-9_]+\}"/);
    expect(Object.values(withUsers.spec.placeholders)).toContainEqual({ secret: { name: 'realm-test-users', key: 'dev' } });
  });
});
