/**
 * What the MCP server relies on, against a real Keycloak after `realm apply` with
 * generated secrets: a developer's token from mcp-client (scope mcp-server) is exchanged
 * by mcp-server (RFC 8693) for audience=openshift, scope=mcp:openshift, and the claims the
 * Kubernetes API reads are there; Keycloak refuses the exchanges it must refuse.
 */
import { jest } from '@jest/globals';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { ClientSchema, type RealmModel } from '../../keycloak-realm/realm-model.js';
import { defaultClientSecretRef } from '../../keycloak-realm/reference.js';
import { MemorySecretSource } from '../../secrets/store.js';
import { ACCESS_TOKEN_TYPE, DEV_PASSWORD_REF, oidcClient, realmRun, refusal, secretValue, testRealm, TOKEN_EXCHANGE, uniqueRealm } from './realm-fixture.js';

jest.setTimeout(120_000);

/** The `aud` claim as a list (a JWT may carry one audience as a string). */
const audiences = (token: string): string[] => [decodeJwt(token).aud ?? []].flat();

async function setUp(model: RealmModel) {
  const secrets = new MemorySecretSource();
  await realmRun('apply', model, secrets, { generateMissing: true });
  const secret = (id: string) => secretValue(secrets, defaultClientSecretRef(id));
  const mcpClient = await oidcClient(model.realm, 'mcp-client', secret('mcp-client'));
  const mcpServer = await oidcClient(model.realm, 'mcp-server', secret('mcp-server'));
  const password = secretValue(secrets, DEV_PASSWORD_REF);
  const userToken = async (scope: string) => (await oidc.genericGrantRequest(mcpClient, 'password', { username: 'dev', password, scope })).access_token;
  const exchange = (config: oidc.Configuration, subjectToken: string, params: Record<string, string> = {}) =>
    oidc.genericGrantRequest(config, TOKEN_EXCHANGE, {
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: 'openshift',
      scope: 'mcp:openshift',
      ...params,
    });
  return { secrets, secret, mcpClient, mcpServer, userToken, exchange };
}

describe('token exchange in the applied reference realm', () => {
  const model = testRealm(uniqueRealm('exchange'));
  let env: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    env = await setUp(model);
  });

  it('gives a developer a token from mcp-client whose aud is mcp-server', async () => {
    const token = await env.userToken('openid mcp-server');
    const claims = decodeJwt(token);
    expect(audiences(token)).toContain('mcp-server');
    expect(claims.azp).toBe('mcp-client');
    expect(String(claims.scope).split(' ')).toContain('mcp-server');
  });

  it('lets mcp-server exchange it for an openshift token carrying aud, azp, scope, preferred_username and groups', async () => {
    const subject = await env.userToken('openid mcp-server');
    const exchanged = await env.exchange(env.mcpServer, subject);
    expect(exchanged.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    const claims = decodeJwt(exchanged.access_token);
    expect(audiences(exchanged.access_token)).toEqual(['openshift']);
    expect(claims.azp).toBe('mcp-server');
    expect(String(claims.scope).split(' ')).toContain('mcp:openshift');
    expect(claims.preferred_username).toBe('dev');
    expect(claims.groups).toEqual(['openshift_developers']);
    expect(claims.sub).toBe(decodeJwt(subject).sub);
  });

  it('refuses a client without token exchange enabled (mcp-client)', async () => {
    const subject = await env.userToken('openid mcp-server');
    const r = await refusal(env.exchange(env.mcpClient, subject));
    expect(r).toMatchObject({ error: 'invalid_request', status: 400 });
    expect(r.description).toMatch(/token exchange is not enabled/i);
  });

  it('refuses a subject token whose aud lacks mcp-server', async () => {
    const subject = await env.userToken('openid');
    expect(audiences(subject)).not.toContain('mcp-server');
    expect(await refusal(env.exchange(env.mcpServer, subject))).toMatchObject({ error: 'access_denied', status: 403 });
  });

  it('refuses an audience no client has', async () => {
    const subject = await env.userToken('openid mcp-server');
    expect(await refusal(env.exchange(env.mcpServer, subject, { audience: 'no-such-client' }))).toMatchObject({ error: 'invalid_client', status: 400 });
  });

  it('refuses mcp-server with a wrong client secret', async () => {
    const subject = await env.userToken('openid mcp-server');
    const wrong = await oidcClient(model.realm, 'mcp-server', `${env.secret('mcp-server')}-wrong`);
    expect(await refusal(env.exchange(wrong, subject))).toMatchObject({ error: 'unauthorized_client', status: 401 });
  });
});

describe('why the model gives mcp-server the basic and profile client scopes', () => {
  // Without `basic` the model refuses the realm (keycloak-realm/validate.ts: no `sub`), so this
  // shows the other half: with `basic` but without `profile`, as the reference realm's mcp-server.
  it("without profile (the reference realm's mcp-server scopes, plus the required basic) the exchanged token has no preferred_username", async () => {
    const fixed = testRealm(uniqueRealm('noprofile'));
    const asReference: RealmModel = {
      ...fixed,
      clients: fixed.clients.map((c) => (c.clientId === 'mcp-server' ? ClientSchema.parse({ ...c, defaultClientScopes: ['basic', 'groups'] }) : c)),
    };
    const env = await setUp(asReference);
    const claims = decodeJwt((await env.exchange(env.mcpServer, await env.userToken('openid mcp-server'))).access_token);
    expect(claims.groups).toEqual(['openshift_developers']);
    expect(claims.sub).toEqual(expect.any(String));
    expect(claims.preferred_username).toBeUndefined();
  });
});
