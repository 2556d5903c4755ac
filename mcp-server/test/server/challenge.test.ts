import { bearerChallenge, metadataUrlFor, protectedResourceMetadata, quote } from '../../src/auth/challenge.js';

describe('WWW-Authenticate challenges', () => {
  it('quotes values per RFC 9110 (backslash-escapes quote and backslash)', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('omits the scope parameter when no scopes are configured', () => {
    expect(bearerChallenge({ resourceMetadata: 'https://h/.well-known/oauth-protected-resource/mcp', scopes: [] })).toBe(
      'Bearer resource_metadata="https://h/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('keeps error_description within the RFC 6750 character set', () => {
    const h = bearerChallenge({ resourceMetadata: 'https://h/x', scopes: ['openid'], error: 'invalid_token', description: 'bad "token"\n\\ é' });
    expect(h).toBe('Bearer resource_metadata="https://h/x", scope="openid", error="invalid_token", error_description="bad  token     "');
  });
});

describe('RFC 9728 metadata location', () => {
  it('inserts the well-known segment between host and path', () => {
    expect(metadataUrlFor('https://mcp.example.com/mcp')).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    expect(metadataUrlFor('https://example.com:8443/tools/mcp')).toBe('https://example.com:8443/.well-known/oauth-protected-resource/tools/mcp');
  });

  it('names the resource and its authorization server', () => {
    expect(protectedResourceMetadata('https://h/mcp', 'https://kc/realms/r', ['openid'])).toMatchObject({
      resource: 'https://h/mcp',
      authorization_servers: ['https://kc/realms/r'],
      scopes_supported: ['openid'],
      bearer_methods_supported: ['header'],
    });
  });
});
