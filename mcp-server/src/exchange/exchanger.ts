/**
 * RFC 8693 token exchange at Keycloak with openid-client: the STS client authenticates with
 * its secret (HTTP Basic, RFC 6749 §2.3.1) and trades the user's access token for one meant
 * for the Kubernetes API. Results are cached per (subject token hash, audience, scope) until
 * shortly before expiry but at most `cacheMaxAgeSec` (the revocation bound), with one in-flight
 * exchange per key.
 */
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { FetchLike } from '../net/ca-fetch.js';
import { checkEndpointSchemes, type IssuerMetadata } from '../net/issuer-metadata.js';
import type { Metrics } from '../obs/metrics.js';
import { exchangedTokenProblem } from './exchanged-token.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * Error codes that mean the subject token itself was refused (expired, revoked, its session
 * ended): the client must re-authenticate, so the caller answers HTTP 401 `invalid_token`.
 */
export const SUBJECT_TOKEN_ERRORS: ReadonlySet<string> = new Set(['invalid_token', 'invalid_grant']);

/**
 * Whether an exchange error refuses the subject token. Besides {@link SUBJECT_TOKEN_ERRORS},
 * Keycloak's standard token exchange (26.x) answers a subject token that fails validation with
 * `invalid_request` and the description `Invalid token` (RFC 8693 §2.2.2 prescribes
 * `invalid_request` for an invalid subject_token); older Keycloak answered `invalid_token`.
 * Every other `invalid_request` (missing parameter, audience not available, …) and every other
 * code (`invalid_client`, `unauthorized_client`, `access_denied`, `invalid_scope`,
 * `invalid_target`, `server_error`, …) points at the server's or the realm's configuration and
 * becomes an `isError` tool result. The description is only classified, never passed on.
 */
export function refusesSubjectToken(error: string, description: string | undefined): boolean {
  return SUBJECT_TOKEN_ERRORS.has(error) || (error === 'invalid_request' && /^invalid token$/i.test(description?.trim() ?? ''));
}

export type ExchangeResult =
  | { readonly ok: true; readonly token: string; readonly cached: boolean }
  | {
      readonly ok: false;
      readonly refusedSubjectToken: boolean;
      readonly error: string;
      /** Set when the exchange answered but its token failed the checks (exchanged-token.ts): what is wrong. */
      readonly problem?: string;
    };

export interface ExchangeSettings {
  readonly metadata: IssuerMetadata;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly fetch: FetchLike;
  /** Refresh this many seconds before the exchanged token expires. @default 30 */
  readonly expirySkewSec?: number;
  /**
   * Reuse an exchanged token at most this many seconds (`sts_cache_max_age`), however long it
   * lives: each new exchange lets Keycloak refuse a user who was logged out or disabled, so this
   * bounds how long such a user keeps access. `0`: never cached. @default 30
   */
  readonly cacheMaxAgeSec?: number;
  /**
   * Where a failed exchange is logged: one `warn` line with Keycloak's `error` and
   * `error_description` and the caller's `sub` (never a token, the client secret or the body).
   */
  readonly log?: Logger;
}

/** The user an exchange is done for, as far as the logs need to know. */
export interface ExchangeCaller {
  readonly sub?: string;
}

interface CacheEntry {
  readonly token: string;
  readonly freshUntilMs: number;
}

const MAX_ENTRIES = 10_000;

/** One exchanger per configuration generation; a reload builds a new one (fresh client and secret). */
export class TokenExchanger {
  private readonly client: oidc.Configuration;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<ExchangeResult>>();
  private readonly scope: string;

  /** @throws Error when the metadata's token_endpoint/jwks_uri is not https (see checkEndpointSchemes). */
  constructor(
    private readonly s: ExchangeSettings,
    private readonly metrics: Metrics,
    private readonly now: () => number = Date.now,
  ) {
    this.client = new oidc.Configuration(s.metadata as oidc.ServerMetadata, s.clientId, undefined, oidc.ClientSecretBasic(s.clientSecret));
    this.client[oidc.customFetch] = s.fetch as never;
    // Plain http only when authorization_url itself is http: (dev opt-in); else https or refuse.
    if (checkEndpointSchemes(s.metadata)) oidc.allowInsecureRequests(this.client);
    this.scope = s.scopes.join(' ');
  }

  /**
   * Exchange (or reuse) a token for `subjectToken`. Never throws.
   * @param caller whose token it is (its `sub` goes into the warn line of a failure)
   */
  async exchange(subjectToken: string, caller: ExchangeCaller = {}): Promise<ExchangeResult> {
    const key = `${createHash('sha256').update(subjectToken).digest('base64url')}\0${this.s.audience}\0${this.scope}`;
    const hit = this.cache.get(key);
    if (hit && hit.freshUntilMs > this.now()) {
      this.metrics.exchangeCacheHits.inc();
      return { ok: true, token: hit.token, cached: true };
    }
    const running = this.inflight.get(key);
    if (running) {
      this.metrics.exchangeCacheHits.inc();
      return running.then((r) => (r.ok ? { ...r, cached: true } : r));
    }
    const p = this.run(key, subjectToken, caller).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async run(key: string, subjectToken: string, caller: ExchangeCaller): Promise<ExchangeResult> {
    const stop = this.metrics.exchangeDuration.startTimer();
    try {
      const params: Record<string, string> = {
        subject_token: subjectToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
        requested_token_type: ACCESS_TOKEN_TYPE,
        audience: this.s.audience,
      };
      if (this.scope) params.scope = this.scope;
      const res = await oidc.genericGrantRequest(this.client, TOKEN_EXCHANGE_GRANT, params);
      // Checked before use or caching: a token for another audience/issuer, expired, or of another type never reaches the API.
      const problem = exchangedTokenProblem(res, {
        issuer: this.s.metadata.issuer,
        audience: this.s.audience,
        tokenType: ACCESS_TOKEN_TYPE,
        nowSec: Math.floor(this.now() / 1000),
      });
      if (problem) {
        this.metrics.exchanges.inc({ outcome: 'invalid_response' });
        this.s.log?.warn(
          { sub: caller.sub, problem, audience: this.s.audience, client_id: this.s.clientId },
          'token exchange answered a token that fails the checks; not used',
        );
        return { ok: false, refusedSubjectToken: false, error: 'invalid_exchange_response', problem };
      }
      const lifetime = res.expiresIn() ?? expFromJwt(res.access_token, this.now());
      if (lifetime !== undefined) {
        const byExpiry = this.now() + (lifetime - (this.s.expirySkewSec ?? 30)) * 1000;
        const freshUntilMs = Math.min(byExpiry, this.now() + (this.s.cacheMaxAgeSec ?? 30) * 1000);
        if (freshUntilMs > this.now()) this.store(key, { token: res.access_token, freshUntilMs });
      }
      this.metrics.exchanges.inc({ outcome: 'success' });
      return { ok: true, token: res.access_token, cached: false };
    } catch (e) {
      const error = e instanceof oidc.ResponseBodyError ? e.error : e instanceof oidc.WWWAuthenticateChallengeError ? 'invalid_client' : 'exchange_unavailable';
      const refusedSubjectToken = e instanceof oidc.ResponseBodyError && refusesSubjectToken(e.error, e.error_description);
      this.metrics.exchanges.inc({ outcome: refusedSubjectToken ? 'subject_token_refused' : 'error' });
      this.s.log?.warn(
        {
          sub: caller.sub,
          error,
          // Keycloak's own words only: never the body, a token or the client secret.
          error_description: e instanceof oidc.ResponseBodyError ? e.error_description?.slice(0, 300) : undefined,
          reason: e instanceof oidc.ResponseBodyError ? undefined : (e as Error).message?.slice(0, 300),
          audience: this.s.audience,
          client_id: this.s.clientId,
        },
        'token exchange failed',
      );
      return { ok: false, refusedSubjectToken, error };
    } finally {
      stop();
    }
  }

  private store(key: string, entry: CacheEntry): void {
    if (this.cache.size >= MAX_ENTRIES) {
      const t = this.now();
      for (const [k, v] of this.cache) if (v.freshUntilMs <= t) this.cache.delete(k);
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(key, entry);
    this.metrics.exchangeCacheEntries.set(this.cache.size);
  }
}

/** Seconds until a JWT's `exp`, when the response lacked `expires_in`; undefined if opaque. */
function expFromJwt(token: string, nowMs: number): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp - Math.floor(nowMs / 1000) : undefined;
  } catch {
    return undefined;
  }
}
