/**
 * The refusals of the Streamable HTTP path hold on the legacy SSE transport too (`GET /sse` +
 * `POST /message?sessionId=…`): more than one `Authorization` header is HTTP 400, a bad token is
 * 401 with the `WWW-Authenticate` challenge, and undeclared or mistyped tool arguments are
 * JSON-RPC -32602 on the session's event stream; none of them exchanges a token or runs a tool.
 */
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { newSigningKey, startIssuerStub, type IssuerStub } from './support/issuer-stub.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';

const CHALLENGE_BASE = 'Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp", scope="openid mcp-server"';

/** A request with the given header lines sent as they are (fetch would join repeated ones). */
function raw(
  url: string,
  method: string,
  headerLines: [string, string][],
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    for (const [k, v] of headerLines) req.appendHeader(k, v);
    req.end(body);
  });
}

function withToken(token: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

async function metric(h: Harness, name: string): Promise<number> {
  const text = await h.server.metrics.registry.metrics();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

describe('refusals on the SSE transport (require_oauth on)', () => {
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

  it('answers two Authorization headers on GET /sse and POST /message with 400 invalid_request, exchanging nothing', async () => {
    const [mine, theirs] = [await stub.token({ sub: 'alice' }), await stub.token({ sub: 'bob' })];
    const before = stub.exchanges.length;
    const two: [string, string][] = [
      ['Authorization', `Bearer ${mine}`],
      ['Authorization', `Bearer ${theirs}`],
    ];
    const open = await raw(`${h.server.url}/sse`, 'GET', [['accept', 'text/event-stream'], ...two]);
    expect(open.status).toBe(400);
    expect(open.headers['www-authenticate']).toBe(
      `${CHALLENGE_BASE}, error="invalid_request", error_description="more than one Authorization header: send exactly one"`,
    );
    expect(JSON.parse(open.body)).toEqual({ error: 'invalid_request', error_description: 'more than one Authorization header: send exactly one' });
    const post = await raw(
      `${h.server.url}/message?sessionId=any`,
      'POST',
      [['content-type', 'application/json'], ...two],
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    );
    expect(post.status).toBe(400);
    expect(JSON.parse(post.body).error).toBe('invalid_request');
    expect(stub.exchanges.length).toBe(before);
  });

  it.each([
    ['signed by a key the issuer does not publish', async () => stub.token({ sub: 'mallory' }, { key: await newSigningKey(stub.keys[0]!.kid) })],
    ['expired', async () => stub.token({ sub: 'alice' }, { expiresIn: -3600 })],
    ['for another issuer', async () => stub.token({ sub: 'alice' }, { issuer: 'https://elsewhere.example/realms/test' })],
    ['not a JWS', async () => 'not-a-jwt'],
  ])('answers a token %s on GET /sse and POST /message with 401 and the invalid_token challenge', async (_name, make) => {
    const token = await make();
    const before = stub.exchanges.length;
    for (const [method, path, body] of [
      ['GET', '/sse', undefined],
      ['POST', '/message?sessionId=any', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })],
    ] as const) {
      const res = await raw(
        `${h.server.url}${path}`,
        method,
        [
          ['accept', 'application/json, text/event-stream'],
          ['content-type', 'application/json'],
          ['authorization', `Bearer ${token}`],
        ],
        body,
      );
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers['www-authenticate']).toMatch(
        new RegExp(`^${CHALLENGE_BASE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, error="invalid_token", error_description="[^"]+"$`),
      );
    }
    expect(stub.exchanges.length).toBe(before);
  });

  it('answers GET /sse without a token with 401 and the bare challenge', async () => {
    const res = await raw(`${h.server.url}/sse`, 'GET', [['accept', 'text/event-stream']]);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE_BASE);
  });

  it('answers undeclared and mistyped arguments with -32602 on the event stream, running nothing', async () => {
    const client = new Client({ name: 'sse-refusals', version: '1.0.0' });
    await client.connect(new SSEClientTransport(new URL(`${h.server.url}/sse`), { fetch: withToken(await stub.token({ sub: 'alice' })) }));
    const ran = await metric(h, 'mcp_tool_calls_total');
    const undeclared = await client.callTool({ name: 'whoami', arguments: { namespace: 'a', target_cluster: 'other' } }).catch((e: unknown) => e);
    expect(undeclared).toBeInstanceOf(McpError);
    expect((undeclared as McpError).code).toBe(-32602);
    expect((undeclared as McpError).message).toContain('tools/call whoami: undeclared argument "target_cluster" (the tool declares "namespace")');
    const mistyped = await client
      .request({ method: 'tools/call', params: { name: 'whoami', arguments: 'namespace=a' as never } }, CallToolResultSchema)
      .catch((e: unknown) => e);
    expect((mistyped as McpError).code).toBe(-32602);
    expect((mistyped as McpError).message).toContain('tools/call whoami: params.arguments must be an object, got a string');
    expect(await metric(h, 'mcp_tool_calls_total')).toBe(ran);
    // The session still serves a call with declared arguments only.
    const ok = (await client.callTool({ name: 'whoami', arguments: { namespace: 'a' } })) as { isError?: boolean };
    expect(ok.isError).toBeFalsy();
    expect(await metric(h, 'mcp_tool_calls_total')).toBe(ran + 1);
    await client.close();
  });
});
