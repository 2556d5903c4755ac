/**
 * Getting real tokens from the harness Keycloak with openid-client, trusting the harness CA:
 * a user's access token (resource owner password grant, acceptable for tests with users
 * declared by the test) and RFC 8693 token exchange (section 2.1 request parameters).
 */
import { readFileSync } from 'node:fs';
import * as oidc from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';

/** A confidential (or public, without secret) client of the realm. */
export interface RealmClient {
  /** The realm issuer, `https://127.0.0.1:<port>/realms/<realm>`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  /** PEM file of the CA that signed Keycloak's certificate. */
  readonly caFile: string;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** A fetch that trusts only `caFile` (for Keycloak's harness certificate). */
export function caFetch(caFile: string): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
  return ((url: string | URL, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as typeof fetch;
}

async function configFor(c: RealmClient): Promise<oidc.Configuration> {
  const auth = c.clientSecret ? oidc.ClientSecretPost(c.clientSecret) : oidc.None();
  return oidc.discovery(new URL(c.issuer), c.clientId, undefined, auth, { [oidc.customFetch]: caFetch(c.caFile) });
}

/** Runs a grant, turning a refusal into an Error naming the grant, the client and the OAuth `error`. */
async function grant(c: RealmClient, grantType: string, params: Record<string, string>, what: string): Promise<string> {
  return (await grantResponse(c, grantType, params, what)).access_token;
}

/** The whole token response of a grant (access, refresh and ID token). @throws like {@link grant} */
async function grantResponse(c: RealmClient, grantType: string, params: Record<string, string>, what: string): Promise<oidc.TokenEndpointResponse> {
  const config = await configFor(c);
  try {
    return await oidc.genericGrantRequest(config, grantType, params);
  } catch (err) {
    const e = err as { error?: string; error_description?: string };
    if (!e.error) throw err;
    throw Object.assign(new Error(`${what} at client ${c.clientId} refused: ${e.error}${e.error_description ? ` (${e.error_description})` : ''}`), {
      error: e.error,
    });
  }
}

/** The password grant's whole response (`access_token`, `refresh_token`, `id_token` with scope `openid`). */
export function passwordGrant(c: RealmClient, username: string, password: string, scope: string): Promise<oidc.TokenEndpointResponse> {
  return grantResponse(c, 'password', { username, password, scope }, `password grant for ${username}`);
}

/** A user's access token from `client` by the password grant with `scope` (space-separated). */
export function passwordToken(c: RealmClient, username: string, password: string, scope: string): Promise<string> {
  return grant(c, 'password', { username, password, scope }, `password grant for ${username}`);
}

/** Exchanges `subjectToken` at `client` for an access token for `audience` with `scope`. */
export function exchangeToken(c: RealmClient, subjectToken: string, audience: string, scope: string): Promise<string> {
  return grant(
    c,
    TOKEN_EXCHANGE,
    {
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      audience,
      scope,
    },
    `token exchange for audience ${audience}`,
  );
}

/** The claims of a JWT, decoded without verification (for assertions and messages only). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
