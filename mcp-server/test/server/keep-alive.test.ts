/** The listener's keep-alive idle timeout outlasts the clients' pool idle timeouts (server.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, startServer, type RunningServer } from '../../src/server.js';
import { createMetrics } from '../../src/obs/metrics.js';
import { fakeCluster, noDiscovery, testTools } from './support/test-tools.js';

let server: RunningServer;
beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'mcp-keepalive-')), 'c.toml');
  writeFileSync(file, 'port = 0\n');
  server = await startServer({
    config: loadConfig(file),
    allTools: testTools,
    discovery: noDiscovery,
    clusterAccess: fakeCluster,
    metrics: createMetrics(false),
    log: pino({ level: 'silent' }),
    signals: false,
  });
});
afterAll(() => server.stop());

it('keeps idle connections longer than Llama Stack httpx pool idle (5 s), headersTimeout above it', () => {
  expect(HTTP_KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(5_000 + 1_000);
  expect(server.http!.keepAliveTimeout).toBe(HTTP_KEEP_ALIVE_TIMEOUT_MS);
  expect(server.http!.headersTimeout).toBe(HTTP_HEADERS_TIMEOUT_MS);
  expect(server.http!.headersTimeout).toBeGreaterThan(server.http!.keepAliveTimeout);
});

it('tells a keep-alive client the idle timeout in the Keep-Alive header', async () => {
  const agent = new Agent({ keepAlive: true });
  const header = await new Promise<string | undefined>((resolve, reject) => {
    request(`${server.url}/healthz`, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        const v = res.headers['keep-alive'];
        resolve(Array.isArray(v) ? v.join(', ') : v);
      });
    })
      .on('error', reject)
      .end();
  });
  agent.destroy();
  expect(header).toBe(`timeout=${HTTP_KEEP_ALIVE_TIMEOUT_MS / 1000}`);
});
