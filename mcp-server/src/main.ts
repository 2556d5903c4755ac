#!/usr/bin/env node
/**
 * Entry point: `npx tsx mcp-server/src/main.ts --config config.toml [flags]` (or `node` on the
 * compiled output). Exit code 2 on a configuration error (message names the key), 1 on other
 * start-up failures.
 */
import { CommanderError } from 'commander';
import { parseCli } from './cli.js';
import { ConfigError, loadConfig } from './config/load.js';
import { startServer } from './server.js';
import { allTools } from './tools/index.js';
import { createDiscoveryCache } from './k8s/discovery.js';

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2);
    throw e;
  }
  const load = () => loadConfig(cli.configPath, cli.overrides);
  const config = load();
  const running = await startServer({ config, reloadConfig: load, allTools, discovery: createDiscoveryCache() });
  const shutdown = (signal: string) => {
    running.log.info({ signal }, 'shutting down');
    void running.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`kube-mcp-server: ${msg}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
});
