/**
 * Access-token validation with jose: signature against the issuer's JWKS (fetched with the
 * CA-trusting fetch, cached, re-fetched on an unknown `kid`), `iss`, `exp`/`nbf` with a small
 * clock skew, `iat` not in the future (beyond the skew), `aud` containing `oauth_audience`, a `sub`. Only asymmetric algorithms
 * ({@link ACCEPTED_ALGORITHMS}) are accepted; `alg: none` and `HS*` never are.
 */
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
   * @throws TokenRejected (`invalid_token` for any signature/claim problem (including a missing `sub`), including a JWKS
   *   that cannot be fetched; `insufficient_scope` when a required scope is missing).
   */
  async verify(token: string): Promise<VerifiedToken> {
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
    const claims = payload as VerifiedToken['claims'];
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    const missing = this.opts.requiredScopes.filter((s) => !scopes.includes(s));
    if (missing.length) throw new TokenRejected(`token lacks scope(s) ${missing.join(', ')}`, 'insufficient_scope');
    return { claims, scopes };
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
