import { SignJWT, UnsecuredJWT } from 'jose';
import { startIssuerStub, newSigningKey, type IssuerStub } from './support/issuer-stub.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';

let stub: IssuerStub;
let h: Harness;

beforeAll(async () => {
  stub = await startIssuerStub();
  h = await startHarness((secretFile) => oauthToml(stub, secretFile));
});
afterAll(async () => {
  await h.server.stop();
  await stub.close();
});

const CHALLENGE_BASE = 'Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp", scope="openid mcp-server"';
const listTools = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

async function postMcp(token?: string, body: unknown = listTools): Promise<Response> {
  return fetch(`${h.server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('open endpoints', () => {
  it('serves /healthz, /readyz and /metrics without a token while /mcp is protected', async () => {
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.server.url}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${h.server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('mcp_token_exchanges_total');
    expect((await postMcp()).status).toBe(401);
  });

  it('serves RFC 9728 metadata at the root and path-suffixed locations, resource = server_url + "/mcp"', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await fetch(`${h.server.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        resource: 'https://mcp.example.test/mcp',
        authorization_servers: [stub.issuer],
        scopes_supported: ['openid', 'mcp-server'],
        bearer_methods_supported: ['header'],
        resource_name: expect.any(String),
      });
    }
  });

  it("proxies the realm's own metadata for clients that look on the resource's host", async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const doc = (await (await fetch(`${h.server.url}${path}`)).json()) as Record<string, unknown>;
      expect(doc.issuer).toBe(stub.issuer);
      expect(doc.token_endpoint).toBe(`${stub.issuer}/protocol/openid-connect/token`);
    }
  });
});

describe('challenges', () => {
  it('answers a request without a token with 401 and a challenge without an error', async () => {
    const res = await postMcp();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(CHALLENGE_BASE);
  });

  it('guards the SSE endpoints too', async () => {
    expect((await fetch(`${h.server.url}/sse`)).status).toBe(401);
    expect((await fetch(`${h.server.url}/message?sessionId=x`, { method: 'POST' })).status).toBe(401);
  });

  it('accepts a valid token', async () => {
    const res = await postMcp(await stub.token());
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toContain('whoami');
  });

  it('verifies a token once: the same token again is a verified-token cache hit, counted in /metrics', async () => {
    const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${h.server.url}/metrics`)).text())?.[1]);
    const token = await stub.token({ sub: 'user-cache-probe' });
    const [hits0, entries0] = [await metric('mcp_token_verify_cache_hits_total'), await metric('mcp_token_verify_cache_entries')];
    expect((await postMcp(token)).status).toBe(200);
    expect(await metric('mcp_token_verify_cache_entries')).toBe(entries0 + 1);
    expect(await metric('mcp_token_verify_cache_hits_total')).toBe(hits0);
    expect((await postMcp(token)).status).toBe(200);
    expect(await metric('mcp_token_verify_cache_hits_total')).toBe(hits0 + 1);
    // A forged signature over the same claims is no hit: it is verified, and refused.
    const [head, payload, sig] = token.split('.');
    expect((await postMcp(`${head}.${payload}.${sig!.slice(0, -4)}AAAA`)).status).toBe(401);
    expect(await metric('mcp_token_verify_cache_hits_total')).toBe(hits0 + 1);
  });

  it('answers a token lacking a required scope with 403 insufficient_scope', async () => {
    const res = await postMcp(await stub.token({ scope: 'openid profile' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(
      new RegExp(`^${escape(CHALLENGE_BASE)}, error="insufficient_scope", error_description="[^"]*mcp-server[^"]*"$`),
    );
  });

  it('answers another authentication scheme (Basic, Digest, …) with 401 and a challenge without an error (RFC 6750 §3.1)', async () => {
    for (const authorization of ['Basic Zm9vOmJhcg==', 'Digest username="a"', 'Bearerx abc']) {
      const res = await fetch(`${h.server.url}/mcp`, { method: 'POST', headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(CHALLENGE_BASE);
      expect(await res.json()).toEqual({ error: 'unauthorized', error_description: 'only the Bearer authentication scheme is supported' });
    }
  });

  it('answers a malformed Bearer credential with 401 invalid_token', async () => {
    for (const authorization of ['Bearer', 'Bearer a b', 'bearer tok"en']) {
      const res = await fetch(`${h.server.url}/mcp`, { method: 'POST', headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`${CHALLENGE_BASE}, error="invalid_token", error_description="the Bearer credential is malformed"`);
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('token validation rejects', () => {
  const cases: [string, () => Promise<string>, RegExp][] = [
    [
      'a forged signature',
      async () => {
        const other = await newSigningKey('key-1');
        return stub.token({}, { key: other });
      },
      /signature verification failed/,
    ],
    ['an expired token (beyond the clock skew)', () => stub.token({}, { expiresIn: Math.floor(Date.now() / 1000) - 120 }), /token expired/],
    ['a token for another audience', () => stub.token({ aud: 'account' }), /claim aud check failed/],
    ['a token from another issuer', () => stub.token({}, { issuer: 'https://evil.example/realms/test' }), /claim iss check failed/],
    [
      'an unsigned token (alg: none)',
      async () =>
        new UnsecuredJWT({ sub: 'user-alice', scope: 'openid mcp-server', aud: 'mcp-server' }).setIssuer(stub.issuer).setExpirationTime('5m').encode(),
      /algorithm not allowed|JWS|alg/,
    ],
    [
      'a token signed with an algorithm outside the JWKS (HS256 with the public key as secret)',
      async () => {
        const secret = new TextEncoder().encode(JSON.stringify(stub.keys[0]!.jwk));
        return new SignJWT({ scope: 'openid mcp-server' })
          .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
          .setIssuer(stub.issuer)
          .setAudience('mcp-server')
          .setSubject('x')
          .setExpirationTime('5m')
          .sign(secret);
      },
      /algorithm not allowed/,
    ],
    ['a token whose kid no JWKS key has, even after a refresh', async () => stub.token({}, { key: await newSigningKey('unknown-kid') }), /no JWKS key matches/],
    ['garbage', async () => 'not.a.jwt', /ERR_JWS_INVALID|JWS|JWT/],
  ];
  it.each(cases)('%s with 401 invalid_token', async (_name, make, why) => {
    const res = await postMcp(await make());
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toMatch(new RegExp(`^${escape(CHALLENGE_BASE)}, error="invalid_token", error_description="[^"]*"$`));
    expect(challenge).toMatch(why);
  });

  it('counts the rejections in /metrics', async () => {
    const text = await (await fetch(`${h.server.url}/metrics`)).text();
    expect(text).toMatch(/mcp_auth_rejections_total\{reason="invalid_token"\} [1-9]/);
  });
});

describe('JWKS', () => {
  it('re-fetches the JWKS when a token names an unknown kid, accepting a rotated key', async () => {
    const rotated = await newSigningKey('key-2');
    stub.keys.push(rotated);
    const before = stub.jwksFetches;
    const res = await postMcp(await stub.token({}, { key: rotated }));
    expect(res.status).toBe(200);
    expect(stub.jwksFetches).toBe(before + 1);
  });

  it('keeps using the cached JWKS for known kids', async () => {
    const before = stub.jwksFetches;
    await postMcp(await stub.token());
    await postMcp(await stub.token());
    expect(stub.jwksFetches).toBe(before);
  });
});

describe('readiness while the issuer is unreachable', () => {
  let down: Harness;
  beforeAll(async () => {
    down = await startHarness((secretFile) => oauthToml(stub, secretFile).replace(stub.issuer, 'https://127.0.0.1:1/realms/test'));
  });
  afterAll(async () => down.server.stop());

  it('is live but not ready, and still challenges requests without a token', async () => {
    expect((await fetch(`${down.server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${down.server.url}/readyz`)).status).toBe(503);
    const res = await fetch(`${down.server.url}/mcp`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(CHALLENGE_BASE);
  });

  it('answers a token it cannot verify yet with 503 and Retry-After, never 500', async () => {
    const res = await fetch(`${down.server.url}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${await stub.token()}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });
});

describe('without server_url', () => {
  let derived: Harness;
  beforeAll(async () => {
    derived = await startHarness((secretFile) => oauthToml(stub, secretFile).replace('server_url = "https://mcp.example.test"\n', ''));
  });
  afterAll(async () => derived.server.stop());

  it('derives the resource from the request (Host, X-Forwarded-Proto)', async () => {
    const host = new URL(derived.server.url!).host;
    const doc = (await (
      await fetch(`${derived.server.url}/.well-known/oauth-protected-resource/mcp`, { headers: { 'x-forwarded-proto': 'https' } })
    ).json()) as { resource: string };
    expect(doc.resource).toBe(`https://${host}/mcp`);
    const res = await fetch(`${derived.server.url}/mcp`, { method: 'POST' });
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="http://${host}/.well-known/oauth-protected-resource/mcp", scope="openid mcp-server"`,
    );
  });
});
