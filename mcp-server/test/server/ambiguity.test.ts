/**
 * Ambiguous requests are refused, never repaired: two Authorization headers (HTTP 400), tool
 * arguments a tool does not declare and `arguments` that are no object (JSON-RPC -32602).
 */
import { request } from 'node:http';
import { allTools } from '../../src/tools/index.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';
import { startIssuerStub, type IssuerStub } from './support/issuer-stub.js';

interface RpcAnswer {
  id: number | null;
  result?: {
    content?: { text: string }[];
    isError?: boolean;
    tools?: { name: string; inputSchema: { properties?: Record<string, unknown>; required?: string[] } }[];
  };
  error?: { code: number; message: string };
}

async function rpc(h: Harness, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: RpcAnswer & RpcAnswer[] }> {
  const res = await fetch(`${h.server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as RpcAnswer & RpcAnswer[] };
}

/** A value a schema property accepts, so that only the undeclared key can be wrong. */
function sample(prop: unknown): unknown {
  const p = prop as { type?: string | string[]; enum?: unknown[]; anyOf?: unknown[] };
  if (p.enum) return p.enum[0];
  if (p.anyOf) return sample(p.anyOf[0]);
  const t = Array.isArray(p.type) ? p.type[0] : p.type;
  return t === 'number' || t === 'integer' ? 1 : t === 'boolean' ? true : t === 'array' ? [] : t === 'object' ? {} : 'x';
}

describe('undeclared and mistyped tool arguments (the real toolsets)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => 'port = 0\n', allTools);
  });
  afterAll(async () => h.server.stop());

  it('answers -32602 naming the undeclared argument, for every tool tools/list shows', async () => {
    const { json: list } = await rpc(h, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const tools = list.result!.tools!;
    expect(tools.length).toBeGreaterThan(10);
    for (const [i, t] of tools.entries()) {
      const args: Record<string, unknown> = {};
      for (const k of t.inputSchema.required ?? []) args[k] = sample(t.inputSchema.properties![k]);
      args.undeclared_target = 'other-cluster';
      const { status, json } = await rpc(h, { jsonrpc: '2.0', id: 100 + i, method: 'tools/call', params: { name: t.name, arguments: args } });
      expect({ tool: t.name, status, error: json.error }).toEqual({
        tool: t.name,
        status: 200,
        error: { code: -32602, message: expect.stringContaining(`tools/call ${t.name}: undeclared argument "undeclared_target"`) },
      });
      expect(json.id).toBe(100 + i);
    }
  });

  it('refuses undeclared arguments of the tools discovery hides from tools/list too', async () => {
    for (const t of allTools().filter((d) => d.requiresApiGroup)) {
      const { json } = await rpc(h, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: t.name, arguments: { bogus: 1, other: 2 } } });
      expect(json.error).toEqual({ code: -32602, message: expect.stringContaining('undeclared arguments "bogus", "other"') });
    }
  });

  it.each([
    ['a string', 'namespace=default'],
    ['an array', ['default']],
    ['null', null],
    ['a number', 3],
  ])('answers arguments that are %s with -32602 (no -32603, no schema dump)', async (kind, value) => {
    const { status, json } = await rpc(h, { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'namespaces_list', arguments: value } });
    expect(status).toBe(200);
    expect(json.error).toEqual({ code: -32602, message: `tools/call namespaces_list: params.arguments must be an object, got ${kind}` });
  });

  it('answers params that are no object, or a name that is no string, with -32602', async () => {
    expect((await rpc(h, { jsonrpc: '2.0', id: 9, method: 'tools/call', params: 'namespaces_list' })).json.error?.code).toBe(-32602);
    expect((await rpc(h, { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 5 } })).json.error?.code).toBe(-32602);
  });

  it('still runs a call with declared arguments only', async () => {
    const { json } = await rpc(h, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'configuration_view', arguments: {} } });
    expect(json.error).toBeUndefined();
    expect(json.result?.content).toBeDefined();
  });
});

/** POST /mcp with the given header lines sent as they are (fetch would join them into one). */
function postRaw(url: string, headerLines: [string, string][], body: string): Promise<{ status: number; body: string; challenge?: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, challenge: res.headers['www-authenticate'] }));
    });
    req.on('error', reject);
    for (const [k, v] of headerLines) req.appendHeader(k, v);
    req.end(body);
  });
}

describe('more than one Authorization header', () => {
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

  const base: [string, string][] = [
    ['content-type', 'application/json'],
    ['accept', 'application/json, text/event-stream'],
  ];
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });

  it('answers 400 invalid_request with a JSON error, exchanging nothing', async () => {
    const [mine, theirs] = [await stub.token({ sub: 'alice' }), await stub.token({ sub: 'bob' })];
    const before = stub.exchanges.length;
    for (const lines of [
      [
        ['Authorization', `Bearer ${mine}`],
        ['Authorization', `Bearer ${theirs}`],
      ],
      [
        ['authorization', `Bearer ${mine}`],
        ['AUTHORIZATION', 'Basic dTpw'],
      ],
    ] as [string, string][][]) {
      const res = await postRaw(`${h.server.url}/mcp`, [...base, ...lines], body);
      expect(res.status).toBe(400);
      expect(res.challenge).toBe(
        'Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp", scope="openid mcp-server", ' +
          'error="invalid_request", error_description="more than one Authorization header: send exactly one"',
      );
      expect(JSON.parse(res.body)).toEqual({ error: 'invalid_request', error_description: 'more than one Authorization header: send exactly one' });
    }
    expect(stub.exchanges.length).toBe(before);
  });

  it('still serves a request with exactly one', async () => {
    const res = await postRaw(`${h.server.url}/mcp`, [...base, ['Authorization', `Bearer ${await stub.token()}`]], body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).result.isError).toBeUndefined();
  });
});
