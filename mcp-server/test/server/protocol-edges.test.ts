/**
 * Protocol behaviour follows the negotiated version and is lenient where the spec allows:
 * batches only where the version has them, `initialize` without `clientInfo`, a broken
 * kubeconfig that never stops `initialize`/`tools/list`, a non-JWS token that is 401 whatever
 * the issuer's state.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { allTools } from '../../src/tools/index.js';
import { loadConfig } from '../../src/config/load.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMetrics } from '../../src/obs/metrics.js';
import { startHarness, oauthToml, type Harness } from './support/harness.js';
import { noDiscovery } from './support/test-tools.js';
import { startIssuerStub } from './support/issuer-stub.js';

interface Answer {
  id?: number | null;
  result?: { protocolVersion?: string; tools?: { name: string }[]; content?: { text: string }[]; isError?: boolean };
  error?: { code: number; message: string };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; res: Response }> {
  const res = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, res };
}

const initialize = (protocolVersion: string, clientInfo?: unknown) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, ...(clientInfo ? { clientInfo } : {}) },
});
const batch = [
  { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  { jsonrpc: '2.0', id: 2, method: 'ping' },
];

describe('batches and initialize', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => 'port = 0\n');
  });
  afterAll(async () => h.server.stop());

  it.each(['2025-06-18', '2025-11-25'])('refuses a batch under protocol version %s with 400 -32600', async (v) => {
    const { status, json } = await post(h.server.url!, batch, { 'mcp-protocol-version': v });
    expect(status).toBe(400);
    expect(json).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: expect.stringContaining(`JSON-RPC batches are not supported in protocol version ${v}`) },
    });
  });

  it('executes a batch under 2025-03-26 (and without the header, whose default is 2025-03-26)', async () => {
    for (const headers of [{ 'mcp-protocol-version': '2025-03-26' }, {}] as Record<string, string>[]) {
      const { status, json } = await post(h.server.url!, batch, headers);
      expect(status).toBe(200);
      expect((json as Answer[]).map((a) => a.id).sort()).toEqual([1, 2]);
    }
  });

  it('refuses a batch carrying an initialize that asks for 2025-06-18', async () => {
    const { status, json } = await post(h.server.url!, [
      initialize('2025-06-18', { name: 'c', version: '1' }),
      { jsonrpc: '2.0', method: 'notifications/initialized' },
    ]);
    expect(status).toBe(400);
    expect((json as Answer).error?.code).toBe(-32600);
  });

  it.each(['2025-06-18', '2024-11-05'])('accepts initialize (%s) without clientInfo, as the Go server does', async (v) => {
    const { status, json } = await post(h.server.url!, initialize(v));
    expect(status).toBe(200);
    expect((json as Answer).error).toBeUndefined();
    expect((json as Answer).result?.protocolVersion).toBe(v);
  });
});

describe('a KUBECONFIG naming a missing file', () => {
  let server: RunningServer;
  const saved = process.env.KUBECONFIG;
  const missing = join(tmpdir(), 'no-such-dir-kms', 'kubeconfig');
  const logLines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    process.env.KUBECONFIG = missing;
    const dir = mkdtempSync(join(tmpdir(), 'mcp-kubeconfig-'));
    const file = join(dir, 'config.toml');
    writeFileSync(file, 'port = 0\ncluster_provider_strategy = "kubeconfig"\n');
    // The real cluster access (no override): it reads KUBECONFIG.
    server = await startServer({
      config: loadConfig(file),
      allTools,
      discovery: noDiscovery,
      metrics: createMetrics(false),
      log: pino({ level: 'debug' }, { write: (s: string) => void logLines.push(JSON.parse(s) as Record<string, unknown>) }),
      host: '127.0.0.1',
      signals: false,
    });
  });
  afterAll(async () => {
    await server.stop();
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  });

  it('still answers initialize and tools/list, and logs why there is no cluster', async () => {
    const init = await post(server.url!, initialize('2025-06-18', { name: 'c', version: '1' }));
    expect((init.json as Answer).result?.protocolVersion).toBe('2025-06-18');
    const list = await post(server.url!, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-protocol-version': '2025-06-18' });
    expect((list.json as Answer).result?.tools?.map((t) => t.name)).toContain('namespaces_list');
    expect(logLines.find((l) => l.level === 50 && String(l.reason).includes(missing))).toBeDefined();
  });

  it('fails a tool call with an error naming the file', async () => {
    const call = await post(
      server.url!,
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'namespaces_list', arguments: {} } },
      { 'mcp-protocol-version': '2025-06-18' },
    );
    const r = (call.json as Answer).result!;
    expect(r.isError).toBe(true);
    expect(r.content?.[0]?.text).toContain('cluster unavailable: ');
    expect(r.content?.[0]?.text).toContain(missing);
  });
});

describe('a token that is no JWS while the issuer is unreachable', () => {
  let h: Harness;
  beforeAll(async () => {
    const stub = await startIssuerStub();
    const caFile = join(mkdtempSync(join(tmpdir(), 'mcp-ca-')), 'ca.crt');
    writeFileSync(caFile, stub.caPem);
    await stub.close(); // metadata and JWKS can never be loaded
    h = await startHarness((secretFile) => oauthToml({ ...stub, caFile }, secretFile));
  });
  afterAll(async () => h.server.stop());

  it.each(['opaque-token', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30', 'Zm9v.YmFy.YmF6.cXV4.cXV1eA'])('answers %s with 401 invalid_token, not 503', async (token) => {
    const { status, res } = await post(h.server.url!, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: `Bearer ${token}` });
    expect(status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      'error="invalid_token", error_description="the access token is not a signed JWT (JWS compact serialization)"',
    );
  });
});
