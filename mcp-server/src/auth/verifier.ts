/**
 * Access-token validation with jose: signature against the issuer's JWKS (fetched with the
 * CA-trusting fetch, cached, re-fetched on an unknown `kid`), `iss`, `exp`/`nbf` with a small
 * clock skew, `aud` containing `oauth_audience`. Only the algorithms the JWKS keys themselves
 * declare (or imply by key type) are accepted; `alg: none` never is.
 */
import { createRemoteJWKSet, customFetch, jwtVerify, errors, type JWTPayload, type RemoteJWKSet, type JWK } from 'jose';
import type { FetchLike } from '../net/ca-fetch.js';

/** Subset of RFC 8414 / OIDC Discovery metadata this server uses. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly token_endpoint: string;
  readonly [k: string]: unknown;
}

/** Why a token was refused (never shown with the token). */
export class TokenRejected extends Error {
  constructor(message: string, readonly kind: 'invalid_token' | 'insufficient_scope' = 'invalid_token') {
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

const FAMILY: Record<string, string[]> = {
  RSA: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'EC:P-256': ['ES256'],
  'EC:P-384': ['ES384'],
  'EC:P-521': ['ES512'],
  'OKP:Ed25519': ['EdDSA', 'Ed25519'],
};

/** The JWS algorithms a JWKS permits: each signing key's `alg`, or its key type's family. */
export function algorithmsOf(keys: readonly JWK[]): string[] {
  const out = new Set<string>();
  for (const k of keys) {
    if (k.use !== undefined && k.use !== 'sig') continue;
    if (k.alg) {
      out.add(k.alg);
      continue;
    }
    const fam = FAMILY[k.kty === 'RSA' ? 'RSA' : `${k.kty}:${k.crv}`];
    fam?.forEach((a) => out.add(a));
  }
  out.delete('none');
  return [...out];
}

/** Validates bearer tokens for one issuer/audience. Create a new one on reload. */
export class TokenVerifier {
  readonly jwks: RemoteJWKSet;
  private readonly opts: VerifierOptions;

  constructor(opts: VerifierOptions) {
    this.opts = opts;
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
   * @throws TokenRejected (`invalid_token` for any signature/claim problem, including a JWKS
   *   that cannot be fetched; `insufficient_scope` when a required scope is missing).
   */
  async verify(token: string): Promise<VerifiedToken> {
    const algorithms = algorithmsOf(this.jwks.jwks()?.keys ?? []);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.opts.metadata.issuer,
        audience: this.opts.audience,
        clockTolerance: this.opts.clockToleranceSec ?? 30,
        algorithms: algorithms.length ? algorithms : undefined,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      throw new TokenRejected(describe(e));
    }
    // A JWKS fetched lazily on this call: enforce the algorithm set against the keys now known.
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { alg?: string };
    const allowed = algorithmsOf(this.jwks.jwks()?.keys ?? []);
    if (!header.alg || !allowed.includes(header.alg)) throw new TokenRejected(`algorithm ${header.alg} is not one of the JWKS keys' algorithms`);
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
