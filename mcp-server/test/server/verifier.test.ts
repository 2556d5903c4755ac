import { SignJWT, UnsecuredJWT } from 'jose';
import { ACCEPTED_ALGORITHMS, TokenVerifier, checkEndpointSchemes, type IssuerMetadata } from '../../src/auth/verifier.js';
import { TokenExchanger } from '../../src/exchange/exchanger.js';
import { caFetch } from '../../src/net/ca-fetch.js';
import { createMetrics } from '../../src/obs/metrics.js';
import { startIssuerStub, newSigningKey, type IssuerStub } from './support/issuer-stub.js';

let stub: IssuerStub;
beforeAll(async () => {
  stub = await startIssuerStub();
});
afterAll(async () => stub.close());

function metadata(over: Partial<IssuerMetadata> = {}): IssuerMetadata {
  const issuer = over.issuer ?? stub.issuer;
  return { issuer, jwks_uri: `${stub.issuer}/protocol/openid-connect/certs`, token_endpoint: `${stub.issuer}/protocol/openid-connect/token`, ...over };
}

function verifier(): TokenVerifier {
  return new TokenVerifier({ metadata: metadata(), audience: 'mcp-server', fetch: caFetch(stub.caPem), requiredScopes: ['mcp-server'], jwksCooldownMs: 0 });
}

describe('TokenVerifier algorithms', () => {
  it('accepts a token signed with a key of a NEW algorithm (RS256 → ES256) after one JWKS re-fetch', async () => {
    const v = verifier();
    await v.load();
    expect((await v.verify(await stub.token())).claims.sub).toBe('user-alice');

    const ec = await newSigningKey('key-es256', 'ES256');
    stub.keys.push(ec);
    try {
      const before = stub.jwksFetches;
      const verified = await v.verify(await stub.token({ sub: 'user-bob' }, { key: ec }));
      expect(verified.claims.sub).toBe('user-bob');
      expect(stub.jwksFetches).toBe(before + 1);
    } finally {
      stub.keys = stub.keys.filter((k) => k !== ec);
    }
  });

  it('offers only asymmetric algorithms: never none or HS*', () => {
    expect(ACCEPTED_ALGORITHMS).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);
  });

  it('refuses alg: none', async () => {
    const v = verifier();
    await v.load();
    const unsigned = new UnsecuredJWT({ sub: 'user-alice', scope: 'openid mcp-server', aud: 'mcp-server' })
      .setIssuer(stub.issuer)
      .setExpirationTime('5m')
      .encode();
    await expect(v.verify(unsigned)).rejects.toMatchObject({ name: 'TokenRejected', kind: 'invalid_token' });
  });

  it('refuses HS256 (the public JWK used as an HMAC secret)', async () => {
    const v = verifier();
    await v.load();
    const secret = new TextEncoder().encode(JSON.stringify(stub.keys[0]!.jwk));
    const hs = await new SignJWT({ scope: 'openid mcp-server', sub: 'user-alice' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(stub.issuer)
      .setAudience('mcp-server')
      .setExpirationTime('5m')
      .sign(secret);
    await expect(v.verify(hs)).rejects.toThrow('algorithm not allowed');
  });
});

describe('TokenVerifier claims', () => {
  it('refuses a validly signed token without sub', async () => {
    const v = verifier();
    await v.load();
    const key = stub.keys[0]!;
    const noSub = await new SignJWT({ scope: 'openid mcp-server' })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(stub.issuer)
      .setAudience('mcp-server')
      .setExpirationTime('5m')
      .sign(key.privateKey);
    await expect(v.verify(noSub)).rejects.toThrow(/claim sub check failed/);
  });

  it('refuses a token issued in the future beyond the clock skew, and accepts one within it', async () => {
    const v = verifier();
    await v.load();
    const key = stub.keys[0]!;
    const issuedIn = (sec: number) =>
      new SignJWT({ scope: 'openid mcp-server', sub: 'user-alice' })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuer(stub.issuer)
        .setAudience('mcp-server')
        .setIssuedAt(Math.floor(Date.now() / 1000) + sec)
        .setExpirationTime('10m')
        .sign(key.privateKey);
    await expect(v.verify(await issuedIn(120))).rejects.toThrow('claim iat check failed (issued in the future)');
    expect((await v.verify(await issuedIn(10))).claims.sub).toBe('user-alice');
  });
});

describe('endpoint schemes in the issuer metadata', () => {
  const httpsIssuer = 'https://sso.example.test/realms/r';
  const httpIssuer = 'http://localhost:8080/realms/r';

  it('accepts https endpoints and keeps plain http off', () => {
    expect(checkEndpointSchemes({ issuer: httpsIssuer, jwks_uri: `${httpsIssuer}/certs`, token_endpoint: `${httpsIssuer}/token` })).toBe(false);
  });

  it.each([
    ['token_endpoint', { jwks_uri: `${httpsIssuer}/certs`, token_endpoint: 'http://sso.example.test/realms/r/token' }],
    ['jwks_uri', { jwks_uri: 'http://sso.example.test/realms/r/certs', token_endpoint: `${httpsIssuer}/token` }],
  ])('refuses an http %s when authorization_url is https, naming the endpoint', (field, endpoints) => {
    expect(() => checkEndpointSchemes({ issuer: httpsIssuer, ...endpoints })).toThrow(new RegExp(`^issuer metadata: ${field} "http://[^"]+" must use https`));
  });

  it('allows plain http endpoints only when authorization_url itself is http (dev opt-in)', () => {
    expect(checkEndpointSchemes({ issuer: httpIssuer, jwks_uri: `${httpIssuer}/certs`, token_endpoint: `${httpIssuer}/token` })).toBe(true);
  });

  it('refuses a non-http(s) scheme even with the dev opt-in', () => {
    expect(() => checkEndpointSchemes({ issuer: httpIssuer, jwks_uri: 'file:///etc/jwks.json', token_endpoint: `${httpIssuer}/token` })).toThrow(
      /jwks_uri "file:\/\/\/etc\/jwks.json" must use https/,
    );
  });

  it('makes TokenVerifier and TokenExchanger refuse such metadata', () => {
    const bad = metadata({ token_endpoint: 'http://localhost:1/realms/test/protocol/openid-connect/token' });
    expect(() => new TokenVerifier({ metadata: bad, audience: 'mcp-server', fetch: caFetch(stub.caPem), requiredScopes: [] })).toThrow(
      /token_endpoint .* must use https/,
    );
    expect(
      () =>
        new TokenExchanger(
          { metadata: bad, clientId: 'mcp-server', clientSecret: 's', audience: 'openshift', scopes: [], fetch: caFetch(stub.caPem) },
          createMetrics(false),
        ),
    ).toThrow(/token_endpoint .* must use https/);
  });
});

describe('TokenVerifier verified-token cache', () => {
  const cached = (now: () => number, cacheMaxEntries?: number) => {
    const hits: number[] = [];
    const sizes: number[] = [];
    const v = new TokenVerifier({
      metadata: metadata(),
      audience: 'mcp-server',
      fetch: caFetch(stub.caPem),
      requiredScopes: ['mcp-server'],
      jwksCooldownMs: 0,
      cacheMaxEntries,
      cacheMetrics: { hit: () => hits.push(1), size: (n) => sizes.push(n) },
      now,
    });
    return { v, hits, sizes };
  };

  it('answers the same token again from the cache until its exp, then verifies it again', async () => {
    let now = Date.now();
    const { v, hits, sizes } = cached(() => now);
    await v.load();
    const token = await stub.token({}, { expiresIn: '120s' });
    const exp = (await v.verify(token)).claims.exp!;
    expect(hits).toEqual([]);
    expect(sizes.at(-1)).toBe(1);
    expect((await v.verify(token)).claims.sub).toBe('user-alice');
    expect(hits).toEqual([1]);
    // At exp the entry is no longer used: jose verifies again (within its 30 s clock tolerance it still passes).
    now = exp * 1000;
    await v.verify(token);
    expect(hits).toEqual([1]);
  });

  it('never remembers a refused token: a signature failure is refused every time', async () => {
    const { v, hits } = cached(Date.now);
    await v.load();
    const token = await stub.token();
    const [h, p, sig] = token.split('.');
    const forged = `${h}.${p}.${sig!.slice(0, -4)}AAAA`;
    for (let i = 0; i < 2; i++) await expect(v.verify(forged)).rejects.toMatchObject({ name: 'TokenRejected', kind: 'invalid_token' });
    // The real token with the same claims is verified on its own (its hash differs).
    expect((await v.verify(token)).claims.sub).toBe('user-alice');
    expect(hits).toEqual([]);
  });

  it('never remembers a token lacking a required scope', async () => {
    const { v, hits } = cached(Date.now);
    await v.load();
    const token = await stub.token({ scope: 'openid' });
    for (let i = 0; i < 2; i++) await expect(v.verify(token)).rejects.toMatchObject({ kind: 'insufficient_scope' });
    expect(hits).toEqual([]);
  });

  it('is bounded: beyond cacheMaxEntries the least recently used token goes first', async () => {
    const { v, hits } = cached(Date.now, 2);
    await v.load();
    const [a, b, c] = await Promise.all(['user-a', 'user-b', 'user-c'].map((sub) => stub.token({ sub })));
    await v.verify(a!);
    await v.verify(b!);
    await v.verify(a!); // a is now the most recently used
    expect(hits).toHaveLength(1);
    await v.verify(c!); // pushes b out
    expect(v.cachedTokens).toBe(2);
    await v.verify(a!);
    expect(hits).toHaveLength(2);
    await v.verify(b!); // verified again, not a hit
    expect(hits).toHaveLength(2);
  });

  it('cacheMaxEntries 0 turns the cache off', async () => {
    const { v, hits } = cached(Date.now, 0);
    await v.load();
    const token = await stub.token();
    await v.verify(token);
    await v.verify(token);
    expect(hits).toEqual([]);
    expect(v.cachedTokens).toBe(0);
  });
});
