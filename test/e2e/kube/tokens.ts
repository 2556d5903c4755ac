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

/** The OAuth `error` code of a refused grant (e.g. `invalid_grant`), or the message. */
export function oauthError(err: unknown): string {
  const e = err as { error?: string; message?: string };
  return e.error ?? e.message ?? String(err);
}

/** A user's access token from `client` by the password grant with `scope` (space-separated). */
export async function passwordToken(c: RealmClient, username: string, password: string, scope: string): Promise<string> {
  const config = await configFor(c);
  const res = await oidc.genericGrantRequest(config, 'password', { username, password, scope });
  return res.access_token;
}

/** Exchanges `subjectToken` at `client` for an access token for `audience` with `scope`. */
export async function exchangeToken(c: RealmClient, subjectToken: string, audience: string, scope: string): Promise<string> {
  const config = await configFor(c);
  const res = await oidc.genericGrantRequest(config, TOKEN_EXCHANGE, {
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    requested_token_type: ACCESS_TOKEN_TYPE,
    audience,
    scope,
  });
  return res.access_token;
}

/** The claims of a JWT, decoded without verification (for assertions and messages only). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
