/**
 * `WWW-Authenticate: Bearer …` challenges (RFC 6750 §3, RFC 9728 §5.1) and the RFC 9728
 * protected-resource metadata document.
 */

/** RFC 9110 §5.6.4 quoted-string: backslash-escape `"` and `\`. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
function descriptionSafe(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, ' ').slice(0, 200);
}

export interface ChallengeInput {
  /** URL of the RFC 9728 metadata for this resource. */
  readonly resourceMetadata: string;
  /** Scopes the client should request (`oauth_scopes`); omitted when empty. */
  readonly scopes: readonly string[];
  readonly error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  readonly description?: string;
}

/** Builds the header value, e.g. `Bearer resource_metadata="https://h/.well-known/oauth-protected-resource/mcp", scope="openid mcp-server"`. */
export function bearerChallenge(c: ChallengeInput): string {
  const params = [`resource_metadata=${quote(c.resourceMetadata)}`];
  if (c.scopes.length) params.push(`scope=${quote(c.scopes.join(' '))}`);
  if (c.error) params.push(`error=${quote(c.error)}`);
  if (c.error && c.description) params.push(`error_description=${quote(descriptionSafe(c.description))}`);
  return `Bearer ${params.join(', ')}`;
}

/**
 * RFC 9728 §3.1: the metadata URL inserts `/.well-known/oauth-protected-resource` between the
 * host and the resource's path (`https://h/mcp` → `https://h/.well-known/oauth-protected-resource/mcp`).
 */
export function metadataUrlFor(resource: string): string {
  const u = new URL(resource);
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}

/** RFC 9728 §2 protected-resource metadata for `resource` (= server_url + "/mcp"). */
export function protectedResourceMetadata(resource: string, issuer: string, scopes: readonly string[]): Record<string, unknown> {
  return {
    resource,
    authorization_servers: [issuer],
    scopes_supported: [...scopes],
    bearer_methods_supported: ['header'],
    resource_name: 'kube-mcp-stack Kubernetes MCP server',
  };
}
