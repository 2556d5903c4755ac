/**
 * Access-token validation with jose: signature against the issuer's JWKS (fetched with the
 * CA-trusting fetch, cached, re-fetched on an unknown `kid`), `iss`, `exp`/`nbf` with a small
 * clock skew, `iat` not in the future (beyond the skew), `aud` containing `oauth_audience`, a `sub`. Only asymmetric algorithms
 * ({@link ACCEPTED_ALGORITHMS}) are accepted; `alg: none` and `HS*` never are.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, customFetch, jwtVerify, errors, type JWTPayload, type RemoteJWKSet } from 'jose';
import type { FetchLike } from '../net/ca-fetch.js';
import { checkEndpointSchemes, type IssuerMetadata } from '../net/issuer-metadata.js';

export { checkEndpointSchemes, type IssuerMetadata };

/** Why a token was refused (never shown with the token). */
export class TokenRejected extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid_token' | 'insufficient_scope' = 'invalid_token',
  ) {
    super(message);
    this.name = 'TokenRejected';
  }
}

export interface VerifiedToken {
  readonly claims: JWTPayload & { preferred_username?: string; scope?: string; azp?: string };
  readonly scopes: string[];
}

export interface VerifierOptions {
  readonly metadata: IssuerMetadata;
  readonly audience: string;
  readonly fetch: FetchLike;
  /** Scopes every token must carry in its space-separated `scope` claim (`oauth_scopes`); else `insufficient_scope`. */
  readonly requiredScopes: readonly string[];
  /** Seconds of tolerated clock skew for exp/nbf. @default 30 */
  readonly clockToleranceSec?: number;
  /** Minimum milliseconds between JWKS re-fetches triggered by unknown kids. @default 30000 */
  readonly jwksCooldownMs?: number;
  /**
   * Verified tokens remembered (by SHA-256 of the token) until their `exp`, so a client sending
   * the same token again is not verified again; the least recently used entry goes first beyond
   * this many. `0`: no cache. @default {@link VERIFIED_CACHE_MAX_ENTRIES}
   */
  readonly cacheMaxEntries?: number;
  /** Cache size and hits (metrics.ts `mcp_token_verify_cache_*`). */
  readonly cacheMetrics?: { hit(): void; size(entries: number): void };
  /** Clock in ms (tests). @default Date.now */
  readonly now?: () => number;
}

/** Default bound of the verified-token cache (entries; one entry is the token's claims, ~1 KiB). */
export const VERIFIED_CACHE_MAX_ENTRIES = 10_000;

interface VerifiedEntry {
  readonly result: VerifiedToken;
  /** `exp` in ms: the entry is used strictly before it. */
  readonly untilMs: number;
}

/**
 * The JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1) a token may be signed with: asymmetric only,
 * never `none` or an HMAC (`HS*`) one. The list is fixed, not derived from the cached JWKS, so a
 * key with a new algorithm added by the realm is found by jose's unknown-`kid` re-fetch; jose then
 * matches the token's `kid`/`alg` against the keys.
 */
export const ACCEPTED_ALGORITHMS: readonly string[] = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

/** Validates bearer tokens for one issuer/audience. Create a new one on reload. */
export class TokenVerifier {
  readonly jwks: RemoteJWKSet;
  private readonly opts: VerifierOptions;
  /** SHA-256 (base64url) of a verified token → its result; Map order = least recently used first. */
  private readonly verified = new Map<string, VerifiedEntry>();

  /** @throws Error when the metadata's jwks_uri/token_endpoint is not https (see {@link checkEndpointSchemes}). */
  constructor(opts: VerifierOptions) {
    this.opts = opts;
    checkEndpointSchemes(opts.metadata);
    this.jwks = createRemoteJWKSet(new URL(opts.metadata.jwks_uri), {
      [customFetch]: opts.fetch as never,
      cooldownDuration: opts.jwksCooldownMs ?? 30_000,
      timeoutDuration: 10_000,
    });
  }

  /** Fetch the JWKS now (readiness). @throws when it cannot be fetched or is empty. */
  async load(): Promise<void> {
    await this.jwks.reload();
    if (!this.jwks.jwks()?.keys.length) throw new Error('JWKS has no keys');
  }

  get ready(): boolean {
    return this.jwks.jwks() !== undefined;
  }

  /**
   * Verifies `token`, or answers from the verified-token cache when the same token was verified
   * before and has not reached its `exp` (a cached result is shared: frozen).
   * @throws TokenRejected (`invalid_token` for any signature/claim problem (including a missing `sub`), including a JWKS
   *   that cannot be fetched; `insufficient_scope` when a required scope is missing).
   */
  async verify(token: string): Promise<VerifiedToken> {
    const max = this.opts.cacheMaxEntries ?? VERIFIED_CACHE_MAX_ENTRIES;
    const now = (this.opts.now ?? Date.now)();
    const key = max > 0 ? createHash('sha256').update(token).digest('base64url') : '';
    if (max > 0) {
      const hit = this.verified.get(key);
      if (hit && now < hit.untilMs) {
        this.verified.delete(key); // re-insert: most recently used last
        this.verified.set(key, hit);
        this.opts.cacheMetrics?.hit();
        return hit.result;
      }
      if (hit) this.verified.delete(key);
    }
    const result = await this.verifyNow(token);
    // Only a fully valid token is remembered, until its exp (after that jose decides again, with its clock tolerance).
    if (max > 0 && typeof result.claims.exp === 'number' && result.claims.exp * 1000 > now) {
      while (this.verified.size >= max) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(key, { result, untilMs: result.claims.exp * 1000 });
    }
    this.opts.cacheMetrics?.size(this.verified.size);
    return result;
  }

  /** Tokens in the verified-token cache (expired ones included until they are looked up or pushed out). */
  get cachedTokens(): number {
    return this.verified.size;
  }

  private async verifyNow(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.opts.metadata.issuer,
        audience: this.opts.audience,
        clockTolerance: this.opts.clockToleranceSec ?? 30,
        algorithms: [...ACCEPTED_ALGORITHMS],
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      throw new TokenRejected(describe(e));
    }
    // jose checks `iat` only with maxTokenAge: a token issued in the future is refused here.
    const tolerance = this.opts.clockToleranceSec ?? 30;
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + tolerance) {
      throw new TokenRejected('claim iat check failed (issued in the future)');
    }
    const claims = Object.freeze(payload) as VerifiedToken['claims'];
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    const missing = this.opts.requiredScopes.filter((s) => !scopes.includes(s));
    if (missing.length) throw new TokenRejected(`token lacks scope(s) ${missing.join(', ')}`, 'insufficient_scope');
    return Object.freeze({ claims, scopes: Object.freeze(scopes) as string[] });
  }
}

function describe(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'token expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `claim ${e.claim} check failed (${e.reason})`;
  if (e instanceof errors.JWKSNoMatchingKey) return 'no JWKS key matches the token (unknown kid or algorithm)';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (e instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (e instanceof errors.JOSEError) return `${e.code}: ${e.message}`;
  return 'token could not be verified';
}
