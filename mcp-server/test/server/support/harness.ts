/** Starts the server in-process with the test tools, a silent logger and a fresh registry. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig, type ServerConfig } from '../../../src/config/load.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { createMetrics } from '../../../src/obs/metrics.js';
import { fakeCluster, noDiscovery, testTools } from './test-tools.js';
import type { IssuerStub } from './issuer-stub.js';
import type { ToolDef } from '../../../src/tools/types.js';

export interface Harness {
  readonly server: RunningServer;
  readonly dir: string;
  readonly configFile: string;
  readonly secretFile: string;
  readonly logLines: Record<string, unknown>[];
  /** Rewrite the config file (TOML text) — call `server.reload.trigger()` to apply. */
  writeConfig(toml: string): void;
  writeSecret(secret: string): void;
}

/** TOML for an OAuth-protected server against `stub`. */
export function oauthToml(stub: IssuerStub, secretFile: string, extra = ''): string {
  return `port = 0
require_oauth = true
authorization_url = "${stub.issuer}"
server_url = "https://mcp.example.test"
oauth_audience = "mcp-server"
oauth_scopes = ["openid", "mcp-server"]
sts_client_id = "mcp-server"
sts_client_secret_file = "${secretFile}"
sts_audience = "openshift"
sts_scopes = ["mcp:openshift"]
certificate_authority = "${stub.caFile}"
${extra}`;
}

export async function startHarness(
  toml: (secretFile: string) => string,
  tools: () => ToolDef[] = testTools,
  secret = 'secret-1',
  signals = false,
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-server-test-'));
  const configFile = join(dir, 'config.toml');
  const secretFile = join(dir, 'client-secret');
  writeFileSync(secretFile, `${secret}\n`);
  writeFileSync(configFile, toml(secretFile));
  const logLines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(JSON.parse(s) as Record<string, unknown>) });
  const load = (): ServerConfig => loadConfig(configFile);
  const server = await startServer({
    config: load(),
    reloadConfig: load,
    allTools: tools,
    discovery: noDiscovery,
    clusterAccess: fakeCluster,
    authOptions: { jwksCooldownMs: 0, retryMs: 200 },
    metrics: createMetrics(false),
    log,
    host: '127.0.0.1',
    signals,
  });
  return {
    server,
    dir,
    configFile,
    secretFile,
    logLines,
    writeConfig: (t) => writeFileSync(configFile, t),
    writeSecret: (t) => writeFileSync(secretFile, `${t}\n`),
  };
}
