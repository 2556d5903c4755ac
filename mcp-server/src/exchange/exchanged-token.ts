/**
 * What the token exchange answered, checked before the token is used (RFC 8693 §2.2.1): the
 * issued token type is the requested one, and the token is a JWT from the issuer, for the
 * requested audience, not yet expired. The claims are read, not verified: the Kubernetes API
 * verifies the signature; this check keeps a token it would refuse, or a token for another
 * audience it might accept, from ever being sent.
 */
import { decodeJwt } from 'jose';

export interface ExchangedTokenExpectations {
  /** The issuer's `issuer` (metadata): the token's `iss` must equal it. */
  readonly issuer: string;
  /** The requested `audience`: the token's `aud` (string or array) must contain it. */
  readonly audience: string;
  /** The requested token type: `issued_token_type` must equal it. */
  readonly tokenType: string;
  /** Now, in seconds since the epoch: `exp` must be later. */
  readonly nowSec: number;
}

/** The exchange response fields this check reads. */
export interface ExchangeAnswer {
  readonly access_token: string;
  readonly issued_token_type?: unknown;
}

/** @returns what is wrong with the exchanged token (a phrase naming the field), or undefined when it passes */
export function exchangedTokenProblem(res: ExchangeAnswer, e: ExchangedTokenExpectations): string | undefined {
  if (res.issued_token_type === undefined) return `the response lacks issued_token_type (RFC 8693 §2.2.1), expected "${e.tokenType}"`;
  if (res.issued_token_type !== e.tokenType) return `issued_token_type "${String(res.issued_token_type).slice(0, 80)}" is not the requested "${e.tokenType}"`;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(res.access_token);
  } catch {
    return 'the issued access token is not a JWT';
  }
  if (claims.iss !== e.issuer) return `the issued token's iss "${String(claims.iss).slice(0, 200)}" is not the issuer "${e.issuer}"`;
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!aud.includes(e.audience)) return `the issued token's aud ${JSON.stringify(aud).slice(0, 200)} lacks the requested audience "${e.audience}"`;
  if (typeof claims.exp !== 'number') return 'the issued token has no exp';
  if (claims.exp <= e.nowSec) return `the issued token expired ${e.nowSec - claims.exp} s ago (exp ${claims.exp})`;
  return undefined;
}
