/** `bind_address`: the HTTP listener's address; loopback unless the config says otherwise. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/server.js';
import { createMetrics } from '../../src/obs/metrics.js';
import { fakeCluster, noDiscovery, testTools } from './support/test-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-bind-'));
function configWith(extra: string): string {
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, `port = 0\n${extra}`);
  return file;
}

async function listenAddress(extra: string): Promise<string> {
  const server = await startServer({
    config: loadConfig(configWith(extra)),
    allTools: testTools,
    discovery: noDiscovery,
    clusterAccess: fakeCluster,
    metrics: createMetrics(false),
    log: pino({ level: 'silent' }),
    signals: false,
  });
  try {
    return (server.http!.address() as AddressInfo).address;
  } finally {
    await server.stop();
  }
}

it('listens on loopback only when bind_address is unset (a local run)', async () => {
  expect(await listenAddress('')).toBe('127.0.0.1');
});

it('listens where bind_address says', async () => {
  expect(await listenAddress('bind_address = "0.0.0.0"\n')).toBe('0.0.0.0');
});

it('refuses a bind_address that is no IP address, naming the key', () => {
  expect(() => loadConfig(configWith('bind_address = "all interfaces"\n'))).toThrow(ConfigError);
  expect(() => loadConfig(configWith('bind_address = "all interfaces"\n'))).toThrow(/bind_address: must be an IP address/);
});
