import { TokenExchanger, ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../../src/exchange/exchanger.js';
import { caFetch } from '../../src/net/ca-fetch.js';
import { createMetrics, type Metrics } from '../../src/obs/metrics.js';
import { exchangedId, startIssuerStub, type IssuerStub } from './support/issuer-stub.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';
import { pino } from 'pino';

let stub: IssuerStub;
beforeAll(async () => {
  stub = await startIssuerStub();
});
afterAll(async () => stub.close());
beforeEach(() => {
  stub.exchanges.length = 0;
  stub.failWith = undefined;
  stub.failDescription = undefined;
  stub.clientSecret = 'secret-1';
  stub.exchangeDelayMs = 0;
  stub.exchangedLifetime = 300;
});

function exchanger(metrics: Metrics, now: () => number = Date.now, log?: pino.Logger, cacheMaxAgeSec?: number): TokenExchanger {
  const issuer = stub.issuer;
  return new TokenExchanger(
    {
      metadata: { issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs`, token_endpoint: `${issuer}/protocol/openid-connect/token` },
      clientId: 'mcp-server',
      clientSecret: 'secret-1',
      audience: 'openshift',
      scopes: ['mcp:openshift'],
      fetch: caFetch(stub.caPem),
      log,
      cacheMaxAgeSec,
    },
    metrics,
    now,
  );
}

async function counter(m: Metrics, name: string): Promise<string> {
  return (await m.registry.getSingleMetricAsString(name))
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}

describe('token exchange request (RFC 8693 §2.1)', () => {
  it('sends the grant type, both token types, audience and scope, authenticating the client with its secret', async () => {
    const res = await exchanger(createMetrics(false)).exchange('user-token-A');
    expect(res).toEqual({ ok: true, token: expect.any(String), cached: false });
    expect(res.ok && exchangedId(res.token)).toMatch(/^exchanged-\d+-for-/);
    const { params, basic } = stub.exchanges[0]!;
    expect(Object.fromEntries(params)).toEqual({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: 'user-token-A',
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      audience: 'openshift',
      scope: 'mcp:openshift',
    });
    expect(basic).toBe('mcp-server:secret-1');
  });
});

describe('exchange cache', () => {
  it('sends one exchange for N concurrent calls of one user', async () => {
    stub.exchangeDelayMs = 50;
    const m = createMetrics(false);
    const x = exchanger(m);
    const results = await Promise.all(Array.from({ length: 10 }, () => x.exchange('user-token-A')));
    expect(stub.exchanges).toHaveLength(1);
    expect(new Set(results.map((r) => (r.ok ? r.token : r.error))).size).toBe(1);
    expect(await counter(m, 'mcp_token_exchange_cache_hits_total')).toMatch(/ 9$/);
    expect(await counter(m, 'mcp_token_exchanges_total')).toContain('mcp_token_exchanges_total{outcome="success"} 1');
  });

  it('never lets two users share an exchanged token', async () => {
    const x = exchanger(createMetrics(false));
    const [a, b] = await Promise.all([x.exchange('user-token-A'), x.exchange('user-token-B')]);
    expect(stub.exchanges.map((e) => e.params.get('subject_token')).sort()).toEqual(['user-token-A', 'user-token-B']);
    if (!a.ok || !b.ok) throw new Error('both exchanges should succeed');
    expect(a.token).not.toBe(b.token);
    // Later calls hit each user's own cache entry.
    expect(await x.exchange('user-token-A')).toEqual({ ok: true, token: a.token, cached: true });
    expect(await x.exchange('user-token-B')).toEqual({ ok: true, token: b.token, cached: true });
    expect(stub.exchanges).toHaveLength(2);
  });

  it('reuses a token until shortly before it expires, then exchanges again', async () => {
    let now = 1_000_000;
    const x = exchanger(createMetrics(false), () => now, undefined, 3600);
    stub.exchangedLifetime = 120;
    await x.exchange('user-token-A');
    now += 80_000; // 40 s left: still fresh (refresh margin 30 s)
    expect((await x.exchange('user-token-A')).ok && stub.exchanges.length).toBe(1);
    now += 15_000; // 25 s left: inside the margin
    await x.exchange('user-token-A');
    expect(stub.exchanges).toHaveLength(2);
  });
});

describe('the cache lifetime bound (sts_cache_max_age: the revocation bound)', () => {
  it('reuses a long-lived token for at most 30 s by default, then asks Keycloak again', async () => {
    let now = 1_000_000;
    const x = exchanger(createMetrics(false), () => now);
    stub.exchangedLifetime = 300;
    await x.exchange('user-token-A');
    now += 29_000;
    expect((await x.exchange('user-token-A')).ok && stub.exchanges.length).toBe(1);
    now += 1_000; // 30 s after the exchange
    await x.exchange('user-token-A');
    expect(stub.exchanges).toHaveLength(2);
  });

  it('takes a configured bound, and 0 exchanges on every request', async () => {
    let now = 1_000_000;
    const x = exchanger(createMetrics(false), () => now, undefined, 5);
    await x.exchange('user-token-A');
    now += 5_000;
    await x.exchange('user-token-A');
    expect(stub.exchanges).toHaveLength(2);
    const never = exchanger(createMetrics(false), () => now, undefined, 0);
    await never.exchange('user-token-B');
    await never.exchange('user-token-B');
    expect(stub.exchanges).toHaveLength(4);
  });
});

describe('exchange failures', () => {
  it.each(['invalid_token', 'invalid_grant'])('marks Keycloak error %s as a refusal of the subject token', async (code) => {
    stub.failWith = code;
    const m = createMetrics(false);
    expect(await exchanger(m).exchange('user-token-A')).toEqual({ ok: false, refusedSubjectToken: true, error: code });
    expect(await counter(m, 'mcp_token_exchanges_total')).toContain('{outcome="subject_token_refused"} 1');
  });

  it('marks Keycloak 26\'s invalid_request "Invalid token" (subject_token validation failure) as a refusal', async () => {
    stub.failWith = 'invalid_request';
    stub.failDescription = 'Invalid token';
    expect(await exchanger(createMetrics(false)).exchange('user-token-A')).toEqual({ ok: false, refusedSubjectToken: true, error: 'invalid_request' });
  });

  it.each(['access_denied', 'invalid_request', 'invalid_scope', 'server_error'])('reports %s as a non-token failure with only the error code', async (code) => {
    stub.failWith = code;
    const m = createMetrics(false);
    const res = await exchanger(m).exchange('user-token-A');
    expect(res).toEqual({ ok: false, refusedSubjectToken: false, error: code });
    expect(await counter(m, 'mcp_token_exchanges_total')).toContain('{outcome="error"} 1');
  });

  it("reports a wrong client secret as a server-side failure, not the user's", async () => {
    stub.clientSecret = 'rotated';
    expect(await exchanger(createMetrics(false)).exchange('user-token-A')).toEqual({ ok: false, refusedSubjectToken: false, error: 'unauthorized_client' });
  });

  it("logs one warn line with Keycloak's error, error_description and the caller's sub — never a token or the secret", async () => {
    stub.failWith = 'access_denied';
    stub.failDescription = 'Client not allowed to exchange';
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    await exchanger(createMetrics(false), Date.now, log).exchange('user-token-A', { sub: 'user-erin' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'token exchange failed',
      sub: 'user-erin',
      error: 'access_denied',
      error_description: 'Client not allowed to exchange',
      audience: 'openshift',
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('user-token-A');
    expect(text).not.toContain('secret-1');
  });

  it('logs a wrong client secret as unauthorized_client without the secret', async () => {
    stub.clientSecret = 'rotated';
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    await exchanger(createMetrics(false), Date.now, log).exchange('user-token-A', { sub: 'user-erin' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ sub: 'user-erin', error: 'unauthorized_client' });
    expect(lines[0]).not.toContain('secret-1');
    expect(lines[0]).not.toContain('user-token-A');
  });

  it('does not cache failures', async () => {
    stub.failWith = 'server_error';
    const x = exchanger(createMetrics(false));
    await x.exchange('user-token-A');
    stub.failWith = undefined;
    expect((await x.exchange('user-token-A')).ok).toBe(true);
    expect(stub.exchanges).toHaveLength(2);
  });
});

describe('exchange outcomes over MCP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness((secretFile) => oauthToml(stub, secretFile));
  });
  afterAll(async () => h.server.stop());

  const call = (token: string) =>
    fetch(`${h.server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'whoami', arguments: { namespace: 'team-a' } } }),
    });

  it('runs the tool with the exchanged token only, and writes an audit line without tokens', async () => {
    const userToken = await stub.token({ sub: 'user-bob', preferred_username: 'bob' });
    const res = await call(userToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { content: { text: string }[]; isError?: boolean } };
    const seen = JSON.parse(body.result.content[0]!.text) as { user: unknown; token: string };
    expect(seen.user).toEqual({ sub: 'user-bob', preferredUsername: 'bob' });
    expect(exchangedId(seen.token)).toMatch(/^exchanged-\d+-for-/);
    expect(seen.token).not.toBe(userToken);
    const audit = h.logLines.filter((l) => l.audit === true).at(-1)!;
    expect(audit).toMatchObject({
      sub: 'user-bob',
      preferred_username: 'bob',
      tool: 'whoami',
      namespace: 'team-a',
      kind: 'Pod',
      outcome: 'success',
      duration_ms: expect.any(Number),
    });
    const everything = JSON.stringify(h.logLines);
    expect(everything).not.toContain(userToken);
    expect(everything).not.toContain(seen.token);
    expect(everything).not.toContain('secret-1');
  });

  it('answers HTTP 401 invalid_token when Keycloak refuses the subject token', async () => {
    stub.failWith = 'invalid_token';
    const res = await call(await stub.token({ sub: 'user-carol' }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it("answers an isError tool result naming Keycloak's error code for other failures, never the body", async () => {
    stub.failWith = 'access_denied';
    const res = await call(await stub.token({ sub: 'user-dave' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { content: { text: string }[]; isError?: boolean } };
    expect(body.result.isError).toBe(true);
    expect(body.result.content[0]!.text).toContain('"access_denied"');
    expect(body.result.content[0]!.text).not.toContain('secret details');
    expect(h.logLines.filter((l) => l.audit === true).at(-1)).toMatchObject({ sub: 'user-dave', outcome: 'denied', error_code: 'access_denied' });
    expect(h.logLines.filter((l) => l.msg === 'token exchange failed').at(-1)).toMatchObject({
      level: 40,
      sub: 'user-dave',
      error: 'access_denied',
      error_description: 'secret details from keycloak',
    });
  });

  it('exposes exchange counters in /metrics', async () => {
    const text = await (await fetch(`${h.server.url}/metrics`)).text();
    expect(text).toMatch(/mcp_token_exchanges_total\{outcome="success"\} [1-9]/);
    expect(text).toMatch(/mcp_token_exchanges_total\{outcome="subject_token_refused"\} [1-9]/);
    expect(text).toMatch(/mcp_tool_calls_total\{tool="whoami",outcome="success"\} 1/);
  });
});
