/**
 * The issuer's discovery metadata (RFC 8414 / OIDC Discovery) as the verifier and the
 * token exchanger both read it, and the one rule on its endpoint schemes.
 */

/** Subset of RFC 8414 / OIDC Discovery metadata this server uses. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly token_endpoint: string;
  readonly [k: string]: unknown;
}

/**
 * Refuses metadata whose `jwks_uri` or `token_endpoint` is not https, unless the issuer
 * (= `authorization_url`, checked equal by the caller) is itself http: — the explicit dev opt-in.
 * @returns whether plain-http endpoints are allowed (the dev opt-in is on).
 * @throws Error naming the endpoint field and its URL.
 */
export function checkEndpointSchemes(metadata: Pick<IssuerMetadata, 'issuer' | 'jwks_uri' | 'token_endpoint'>): boolean {
  const insecureIssuer = new URL(metadata.issuer).protocol === 'http:';
  for (const field of ['jwks_uri', 'token_endpoint'] as const) {
    let protocol: string;
    try {
      protocol = new URL(metadata[field]).protocol;
    } catch {
      throw new Error(`issuer metadata: ${field} "${metadata[field]}" is not a URL`);
    }
    if (protocol === 'https:' || (insecureIssuer && protocol === 'http:')) continue;
    throw new Error(`issuer metadata: ${field} "${metadata[field]}" must use https (plain http is accepted only when authorization_url itself is http://)`);
  }
  return insecureIssuer;
}
