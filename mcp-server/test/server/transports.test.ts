import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { exchangedId, startIssuerStub, type IssuerStub } from './support/issuer-stub.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';
import { SERVER_OWN_TOKEN } from './support/test-tools.js';

/** A fetch that adds the bearer token to every request the SDK client makes. */
function withToken(token: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

type Kind = 'streamable' | 'sse';
function transport(kind: Kind, base: string, token?: string): Transport {
  const f = token ? withToken(token) : undefined;
  return kind === 'streamable'
    ? new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { fetch: f })
    : new SSEClientTransport(new URL(`${base}/sse`), { fetch: f });
}

async function connect(kind: Kind, base: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(transport(kind, base, token));
  return client;
}

function textOf(r: unknown): string {
  return (r as { content: { text: string }[] }).content[0]!.text;
}

describe.each<Kind>(['streamable', 'sse'])('MCP client over %s, require_oauth on', (kind) => {
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

  it('initializes, lists tools with annotations and calls a tool as the user', async () => {
    const client = await connect(kind, h.server.url!, await stub.token({ sub: 'user-erin', preferred_username: 'erin' }));
    expect(client.getServerVersion()?.name).toBe('kube-mcp-server');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['delete_everything', 'edit_something', 'whoami']);
    expect(tools.find((t) => t.name === 'whoami')?.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
    const seen = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} }))) as { user: unknown; token: string };
    expect(seen.user).toEqual({ sub: 'user-erin', preferredUsername: 'erin' });
    expect(exchangedId(seen.token)).toMatch(/^exchanged-/);
    await client.close();
  });

  it('keeps concurrent clients apart (each call sees its own user)', async () => {
    const users = ['u1', 'u2', 'u3', 'u4'];
    const clients = await Promise.all(users.map(async (u) => connect(kind, h.server.url!, await stub.token({ sub: u, preferred_username: u }))));
    const seen = await Promise.all(
      clients.map(async (c) => (JSON.parse(textOf(await c.callTool({ name: 'whoami', arguments: {} }))) as { user: { sub: string } }).user.sub),
    );
    expect(seen).toEqual(users);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('refuses to connect without a token', async () => {
    await expect(connect(kind, h.server.url!)).rejects.toThrow();
  });
});

describe('SSE sessions', () => {
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

  it("refuses a message posted into another user's session", async () => {
    const owner = await connect('sse', h.server.url!, await stub.token({ sub: 'owner' }));
    // The message endpoint (with the owner's session id) the server announced on the owner's stream.
    const endpoint = (owner as unknown as { transport: { _endpoint?: URL } }).transport._endpoint!;
    expect(endpoint.searchParams.get('sessionId')).toBeTruthy();
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await stub.token({ sub: 'intruder' })}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(403);
    await owner.close();
  });
});

describe('require_oauth off', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => 'port = 0\nlist_output = "yaml"\n');
  });
  afterAll(async () => h.server.stop());

  it.each<Kind>(['streamable', 'sse'])("serves tools over %s with the server's own credentials", async (kind) => {
    const client = await connect(kind, h.server.url!);
    const seen = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} }))) as { user: unknown; token: string; listOutput: string };
    expect(seen).toEqual({ user: {}, token: SERVER_OWN_TOKEN, listOutput: 'yaml' });
    await client.close();
  });

  it('has no protected-resource metadata', async () => {
    expect((await fetch(`${h.server.url}/.well-known/oauth-protected-resource`)).status).toBe(404);
  });

  it('answers malformed JSON with a JSON-RPC parse error', async () => {
    const res = await fetch(`${h.server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'parse error' }, id: null });
  });

  it('answers GET /mcp with 405 (stateless Streamable HTTP)', async () => {
    const res = await fetch(`${h.server.url}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe.each([
  ['read_only = true', ['whoami']],
  ['disable_destructive = true', ['edit_something', 'whoami']],
  ['toolsets = ["config"]', ['edit_something']],
])('tool filtering with %s', (setting, expected) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => `port = 0\n${setting}\n`);
  });
  afterAll(async () => h.server.stop());

  it(`lists ${expected.join(', ')}`, async () => {
    const client = await connect('streamable', h.server.url!);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(expected);
    await client.close();
  });
});
