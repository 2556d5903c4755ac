/**
 * A 401 from the Kubernetes API to an EXCHANGED token means the apiserver does not trust what
 * Keycloak issued (issuer, audience or CA): the server logs one warn line pointing there.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMetrics } from '../../src/obs/metrics.js';
import { kubeRequest } from '../../src/k8s/request.js';
import { guarded, textResult } from '../../src/tools/result.js';
import type { ToolDef } from '../../src/tools/types.js';
import { startIssuerStub, type IssuerStub } from './support/issuer-stub.js';
import { oauthToml } from './support/harness.js';
import { noDiscovery } from './support/test-tools.js';

/** A stand-in apiserver: 401 (with a metav1.Status) for `/api/v1/namespaces`, 403 for `/api/v1/nodes`. */
function startApiserver(): Promise<Server> {
  const srv = createServer((req, res) => {
    const [code, reason] = req.url?.startsWith('/api/v1/namespaces') ? [401, 'Unauthorized'] : [403, 'Forbidden'];
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: reason, reason, code }));
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv)));
}

const listPath = (name: string, path: string): ToolDef => ({
  name,
  toolset: 'core',
  description: `GET ${path}`,
  inputSchema: {},
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
  handler: (_args, ctx) =>
    guarded(async () => {
      await kubeRequest(ctx.kubeConfig, { path }).catch(() => undefined); // two requests, one warn line
      return textResult(JSON.stringify(await kubeRequest(ctx.kubeConfig, { path })));
    }),
});

let stub: IssuerStub;
let api: Server;
let server: RunningServer;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  stub = await startIssuerStub();
  api = await startApiserver();
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-401-'));
  writeFileSync(join(dir, 'secret'), 'secret-1\n');
  writeFileSync(join(dir, 'config.toml'), oauthToml(stub, join(dir, 'secret')));
  const forToken = (token: string) => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: apiUrl, skipTLSVerify: true /* client-node refuses http:// otherwise */ }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return kc;
  };
  server = await startServer({
    config: loadConfig(join(dir, 'config.toml')),
    allTools: () => [listPath('list_namespaces', '/api/v1/namespaces'), listPath('list_nodes', '/api/v1/nodes')],
    discovery: noDiscovery,
    clusterAccess: () => ({ forCaller: forToken, forServer: () => forToken('server') }),
    authOptions: { jwksCooldownMs: 0, retryMs: 200 },
    metrics: createMetrics(false),
    log: pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) }),
    host: '127.0.0.1',
    signals: false,
  });
});
afterAll(async () => {
  await server.stop();
  await new Promise((r) => api.close(r));
  await stub.close();
});

async function callTool(name: string, sub: string): Promise<{ isError?: boolean; content: { text: string }[] }> {
  const res = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${await stub.token({ sub })}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } }),
  });
  return ((await res.json()) as { result: { isError?: boolean; content: { text: string }[] } }).result;
}

const hints = () => lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('answered 401 to the exchanged token'));

it('logs one warn line per tool call naming the issuer and audience the apiserver must trust when it answers 401 to the exchanged token', async () => {
  const result = await callTool('list_namespaces', 'user-frank');
  expect(result.isError).toBe(true);
  expect(result.content[0]!.text).toBe('Unauthorized: Unauthorized');
  expect(hints()).toHaveLength(1);
  expect(hints()[0]).toMatchObject({
    level: 40,
    sub: 'user-frank',
    tool: 'list_namespaces',
    request: 'GET /api/v1/namespaces',
    issuer: stub.issuer,
    audience: 'openshift',
  });
  expect(JSON.stringify(lines)).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/); // no JWT (user or exchanged) in any log line
});

it('stays quiet about a 403 (RBAC said no; the token itself was accepted)', async () => {
  lines.length = 0;
  const result = await callTool('list_nodes', 'user-frank');
  expect(result.content[0]!.text).toBe('Forbidden: Forbidden');
  expect(hints()).toEqual([]);
});
