import { startIssuerStub, type IssuerStub } from './support/issuer-stub.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';

let stub: IssuerStub;
beforeAll(async () => {
  stub = await startIssuerStub();
});
afterAll(async () => stub.close());

const whoami = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } };
const post = (h: Harness, token?: string) =>
  fetch(`${h.server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(whoami),
  });

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reload', () => {
  let h: Harness;
  afterEach(async () => h.server.stop());

  it('turns require_oauth on: the very next unauthenticated request gets 401', async () => {
    h = await startHarness(() => 'port = 0\n');
    expect((await post(h)).status).toBe(200);
    h.writeConfig(oauthToml(stub, h.secretFile));
    h.server.reload.trigger();
    const res = await post(h);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
  });

  it('rotates the STS client secret: the next exchange uses the new one', async () => {
    stub.clientSecret = 'secret-1';
    h = await startHarness((f) => oauthToml(stub, f), undefined, 'secret-1');
    expect((await post(h, await stub.token({ sub: 'before' }))).status).toBe(200);
    expect(stub.exchanges.at(-1)!.basic).toBe('mcp-server:secret-1');

    stub.clientSecret = 'secret-2';
    h.writeSecret('secret-2');
    h.server.reload.trigger();
    const res = await post(h, await stub.token({ sub: 'after' }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { isError?: boolean } }).result.isError).toBeUndefined();
    expect(stub.exchanges.at(-1)!.basic).toBe('mcp-server:secret-2');
  });

  it('reloads by itself when the mounted secret file changes', async () => {
    stub.clientSecret = 'secret-3';
    h = await startHarness((f) => oauthToml(stub, f), undefined, 'secret-1');
    const generation = h.server.runtime.current.id;
    h.writeSecret('secret-3');
    await until(() => h.server.runtime.current.id > generation);
    expect((await post(h, await stub.token({ sub: 'watched' }))).status).toBe(200);
    expect(stub.exchanges.at(-1)!.basic).toBe('mcp-server:secret-3');
  });

  it('keeps the running configuration when the new file is invalid', async () => {
    h = await startHarness(() => 'port = 0\n');
    h.writeConfig('port = 0\nrequire_oauth = true\n'); // fail closed: no audience, no exchange
    h.server.reload.trigger();
    expect(h.server.runtime.current.config.require_oauth).toBe(false);
    expect((await post(h)).status).toBe(200);
    expect(
      h.logLines.some((l) => l.msg === 'configuration reload refused; keeping the previous configuration' && String(l.err).includes('oauth_audience')),
    ).toBe(true);
    expect(await h.server.metrics.registry.getSingleMetricAsString('mcp_config_reloads_total')).toMatch(/outcome="error"\} [1-9]/);
  });
});

describe('SSE sessions across a reload', () => {
  it('ends a session opened under the previous configuration instead of serving it with stale rules', async () => {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
    const h = await startHarness(() => 'port = 0\n');
    try {
      const client = new Client({ name: 't', version: '1' });
      const transport = new SSEClientTransport(new URL(`${h.server.url}/sse`));
      await client.connect(transport);
      const endpoint = (transport as unknown as { _endpoint: URL })._endpoint;
      h.writeConfig(oauthToml(stub, h.secretFile));
      h.server.reload.trigger();
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await stub.token()}` },
        body: JSON.stringify(whoami),
      });
      expect(res.status).toBe(404);
      await client.close();
    } finally {
      await h.server.stop();
    }
  });
});
